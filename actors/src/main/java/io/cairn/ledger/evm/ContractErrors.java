package io.cairn.ledger.evm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.protocol.ObjectMapperFactory;

/**
 * The revert data of the contracts' calls as the refusals the embedded ledger gives: each custom
 * error (ours and OpenZeppelin's, every one in the contracts' ABI) maps to the {@link ErrorCode}
 * {@link io.cairn.ledger.LedgerRules} refuses the same case with.
 *
 * <p>Revert data is the ABI encoding of an error: 4 bytes of selector, the first 4 bytes of the
 * keccak-256 of the error's canonical signature ({@code Name(type1,type2)}), then its arguments in
 * 32-byte words. Selectors are computed here from the signatures, so a typo cannot hide.
 */
final class ContractErrors {
  /** Solidity's {@code require(condition, "reason")} and {@code revert("reason")}. */
  private static final String ERROR_STRING = "Error(string reason)";

  /** Solidity's checked arithmetic, array bounds and the like: a bug, not a refusal. */
  private static final String PANIC = "Panic(uint256 code)";

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");

  private static final Map<String, KnownError> BY_SELECTOR = new HashMap<>();

  static {
    // OpenZeppelin's ERC-20, ERC-2612 and AccessControl
    define(
        "ERC20InsufficientBalance(address sender,uint256 balance,uint256 needed)",
        ErrorCode.INSUFFICIENT_BALANCE);
    define(
        "ERC20InsufficientAllowance(address spender,uint256 allowance,uint256 needed)",
        ErrorCode.INSUFFICIENT_ALLOWANCE);
    define("ERC20InvalidReceiver(address receiver)", ErrorCode.INVALID_ADDRESS);
    define("ERC2612ExpiredSignature(uint256 deadline)", ErrorCode.PERMIT_EXPIRED);
    define(
        "AccessControlUnauthorizedAccount(address account,bytes32 neededRole)",
        ErrorCode.NOT_PERMITTED);
    // Marketplace
    define("UnknownProduct(uint256 productId)", ErrorCode.PRODUCT_NOT_FOUND);
    define("NotProductOwner(uint256 productId,address caller)", ErrorCode.NOT_PERMITTED);
    define(
        "BelowMinimumSeconds(uint64 seconds,uint64 minimumSeconds)",
        ErrorCode.BELOW_MINIMUM_SECONDS);
    define("ZeroSeconds()", ErrorCode.INVALID_AMOUNT);
    define("InvalidProduct(string reason)", ErrorCode.INVALID_PRODUCT);
    define(
        "AmountNotWholeSeconds(uint256 amount,uint256 pricePerSecond)", ErrorCode.INVALID_AMOUNT);
    define("FeeTooHigh(uint16 feeBps)", ErrorCode.INVALID_AMOUNT);
    // Escrow and ChecksumReports (both have ZeroAmount(): one selector)
    define("ZeroAmount()", ErrorCode.INVALID_AMOUNT);
    define("JobClosed(bytes32 jobId)", ErrorCode.JOB_CLOSED);
    define("UnknownJob(bytes32 jobId)", ErrorCode.JOB_NOT_FOUND);
    define("NotJobSupporter(bytes32 jobId,address caller)", ErrorCode.NOT_PERMITTED);
    define(
        "EscrowInsufficient(bytes32 jobId,uint256 balance,uint256 needed)",
        ErrorCode.ESCROW_INSUFFICIENT);
    define("SettlementAlreadyApplied(bytes32 settlementId)", ErrorCode.SETTLEMENT_APPLIED);
    define("InvalidSettlement(string reason)", ErrorCode.INVALID_SETTLEMENT);
    define("InvalidRound(string reason)", ErrorCode.INVALID_ROUND);
    define("RoundExists(bytes32 roundId)", ErrorCode.ROUND_EXISTS);
    define("UnknownRound(bytes32 roundId)", ErrorCode.ROUND_NOT_FOUND);
    define("RoundIsClosed(bytes32 roundId)", ErrorCode.ROUND_CLOSED);
    define("NotAssignedReporter(bytes32 roundId,address caller)", ErrorCode.NOT_PERMITTED);
    define("AlreadyReported(bytes32 roundId,address reporter)", ErrorCode.ALREADY_REPORTED);
    define("PoolInsufficient(uint256 pool,uint256 needed)", ErrorCode.POOL_INSUFFICIENT);
    // ProviderStakes
    define("StakeExiting(address provider)", ErrorCode.STAKE_EXITING);
    define("NoStake(address provider)", ErrorCode.STAKE_NOT_FOUND);
    define("NotExiting(address provider)", ErrorCode.STAKE_NOT_EXITING);
    define("StillUnbonding(address provider,uint64 withdrawableAt)", ErrorCode.STAKE_UNBONDING);
    define("StakeFrozen(address provider,uint64 frozenUntil)", ErrorCode.STAKE_FROZEN);
    define("AlreadyApplied(bytes32 id)", ErrorCode.SETTLEMENT_APPLIED);
    define(
        "HeldInsufficient(address provider,uint256 held,uint256 needed)",
        ErrorCode.HELD_INSUFFICIENT);
    define(
        "RepairFundInsufficient(uint256 fund,uint256 needed)", ErrorCode.REPAIR_FUND_INSUFFICIENT);
    define("ZeroRecipient()", ErrorCode.INVALID_ADDRESS);
    // The rest of the contracts' errors cannot follow from an operation of the ledger's (the
    // ledger never permits, approves from or sends to the zero address, nor calls
    // onTokenTransfer itself): named, so that the message says which, but not a rule's refusal.
    for (String unexpected :
        List.of(
            "AccessControlBadConfirmation()",
            "ECDSAInvalidSignature()",
            "ECDSAInvalidSignatureLength(uint256 length)",
            "ECDSAInvalidSignatureS(bytes32 s)",
            "ERC20InvalidApprover(address approver)",
            "ERC20InvalidSender(address sender)",
            "ERC20InvalidSpender(address spender)",
            "ERC2612InvalidSigner(address signer,address owner)",
            "InvalidAccountNonce(address account,uint256 currentNonce)",
            "InvalidShortString()",
            "StringTooLong(string text)",
            "OnlyToken(address caller)",
            // only Escrow credits held earnings, always with one amount per provider
            "InvalidCredit(string reason)",
            ERROR_STRING,
            PANIC)) {
      define(unexpected, ErrorCode.CONTRACT_REVERTED);
    }
  }

  private ContractErrors() {}

  /**
   * The refusal a JSON-RPC error's revert data stands for ({@link #revertData}: a selector and its
   * arguments). An unknown selector, or no data at all, is {@code CONTRACT_REVERTED}.
   */
  static Rejection rejection(String errorData) {
    String hex = revertData(errorData);
    if (hex.length() < 8) {
      return new Rejection(ErrorCode.CONTRACT_REVERTED, "the contract reverted without a reason");
    }
    String selector = "0x" + hex.substring(0, 8).toLowerCase(Locale.ROOT);
    KnownError known = BY_SELECTOR.get(selector);
    if (known == null) {
      return new Rejection(
          ErrorCode.CONTRACT_REVERTED, "the contract reverted with unknown error " + selector);
    }
    return new Rejection(known.code(), "the contract refused: " + known.describe(hex.substring(8)));
  }

  /**
   * The revert data in a JSON-RPC error's {@code data}, which web3j keeps as JSON text: a string
   * (geth, anvil: {@code "0x…"}), or an object holding it under {@code data} (hardhat and some
   * gateways, at times nested). Hex digits only, without {@code 0x}; empty when there are none.
   */
  static String revertData(String errorData) {
    if (errorData == null || errorData.isBlank()) {
      return "";
    }
    JsonNode node;
    try {
      node = ObjectMapperFactory.getObjectMapper().readTree(errorData);
    } catch (JsonProcessingException notJson) {
      node = TextNode.valueOf(errorData.strip());
    }
    while (node.isObject() && node.has("data")) {
      node = node.get("data");
    }
    String text = node.isTextual() ? node.asText().strip() : "";
    if (text.startsWith("0x") || text.startsWith("0X")) {
      text = text.substring(2);
    }
    return HEX.matcher(text).matches() ? text : "";
  }

  /** The error a selector ({@code 0x} and 8 hex digits) stands for, by its canonical signature. */
  static Optional<String> signatureOf(String selector) {
    return Optional.ofNullable(BY_SELECTOR.get(selector.toLowerCase(Locale.ROOT)))
        .map(KnownError::signature);
  }

  /** The first 4 bytes of the keccak-256 of a canonical signature, as {@code 0x} and 8 digits. */
  static String selector(String canonicalSignature) {
    return Hash.sha3String(canonicalSignature).substring(0, 10);
  }

  private static void define(String declaration, ErrorCode code) {
    KnownError known = KnownError.parse(declaration, code);
    KnownError earlier = BY_SELECTOR.put(selector(known.signature()), known);
    if (earlier != null && !earlier.equals(known)) {
      throw new IllegalStateException(known.signature() + " has the selector of " + earlier);
    }
  }

  /** One error: its name, its parameters' types and names, and the code it is refused with. */
  private record KnownError(String name, List<String> types, List<String> names, ErrorCode code) {

    /** From a declaration as written in Solidity, without the keyword: {@code Name(type name)}. */
    static KnownError parse(String declaration, ErrorCode code) {
      int open = declaration.indexOf('(');
      String name = declaration.substring(0, open);
      String inside = declaration.substring(open + 1, declaration.length() - 1);
      List<String> types = new ArrayList<>();
      List<String> names = new ArrayList<>();
      if (!inside.isEmpty()) {
        for (String parameter : inside.split(",", -1)) {
          String[] parts = parameter.strip().split(" ", -1);
          types.add(parts[0]);
          names.add(parts.length > 1 ? parts[1] : "");
        }
      }
      return new KnownError(name, List.copyOf(types), List.copyOf(names), code);
    }

    String signature() {
      return name + "(" + String.join(",", types) + ")";
    }

    /** {@code Name(name=value, …)}, or the bare name when the arguments do not decode. */
    @SuppressWarnings("rawtypes") // web3j decodes to raw Types
    String describe(String argumentsHex) {
      List<Type> values;
      try {
        values = FunctionReturnDecoder.decode(argumentsHex, typeReferences());
      } catch (RuntimeException malformed) {
        return name + " (undecodable arguments 0x" + argumentsHex + ")";
      }
      if (values.size() != types.size()) {
        return name + " (undecodable arguments 0x" + argumentsHex + ")";
      }
      List<String> shown = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        Object value = values.get(i).getValue();
        String text =
            value instanceof byte[] bytes
                ? "0x" + HexFormat.of().formatHex(bytes)
                : value.toString();
        shown.add(names.get(i).isEmpty() ? text : names.get(i) + "=" + text);
      }
      return name + "(" + String.join(", ", shown) + ")";
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private List<TypeReference<Type>> typeReferences() {
      List<TypeReference<Type>> references = new ArrayList<>();
      for (String type : types) {
        try {
          references.add(TypeReference.makeTypeReference(type));
        } catch (ClassNotFoundException unknown) {
          throw new IllegalStateException("no ABI type " + type, unknown);
        }
      }
      return references;
    }
  }
}
