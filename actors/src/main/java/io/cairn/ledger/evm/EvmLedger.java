package io.cairn.ledger.evm;

import io.cairn.contracts.CairnToken;
import io.cairn.contracts.ChecksumReports;
import io.cairn.contracts.Escrow;
import io.cairn.contracts.Marketplace;
import io.cairn.contracts.ProviderStakes;
import io.cairn.ledger.EscrowJob;
import io.cairn.ledger.Ledger;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerOperation;
import io.cairn.ledger.LedgerOperation.BeginExit;
import io.cairn.ledger.LedgerOperation.Buy;
import io.cairn.ledger.LedgerOperation.Close;
import io.cairn.ledger.LedgerOperation.CloseRound;
import io.cairn.ledger.LedgerOperation.CreateProduct;
import io.cairn.ledger.LedgerOperation.Deposit;
import io.cairn.ledger.LedgerOperation.Freeze;
import io.cairn.ledger.LedgerOperation.FundPool;
import io.cairn.ledger.LedgerOperation.GrantLicence;
import io.cairn.ledger.LedgerOperation.Mint;
import io.cairn.ledger.LedgerOperation.OpenRound;
import io.cairn.ledger.LedgerOperation.PayRepair;
import io.cairn.ledger.LedgerOperation.ReleaseHeld;
import io.cairn.ledger.LedgerOperation.Report;
import io.cairn.ledger.LedgerOperation.RevokeLicence;
import io.cairn.ledger.LedgerOperation.SetProtocolFee;
import io.cairn.ledger.LedgerOperation.Settle;
import io.cairn.ledger.LedgerOperation.Slash;
import io.cairn.ledger.LedgerOperation.Stake;
import io.cairn.ledger.LedgerOperation.Transfer;
import io.cairn.ledger.LedgerOperation.Withdraw;
import io.cairn.ledger.Licence;
import io.cairn.ledger.Product;
import io.cairn.ledger.ProductTerms;
import io.cairn.ledger.ProviderStake;
import io.cairn.ledger.RoundKey;
import io.cairn.ledger.RoundOutcome;
import io.cairn.ledger.evm.ChainTransactions.CallResult;
import io.cairn.ledger.evm.ChainTransactions.Sender;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.ledger.Bytes32;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.ContractUtils;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.Contract;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * The ledger as the five contracts on an Ethereum chain: each operation is a transaction signed by
 * the acting account (a purchase, a deposit and a stake one {@code transferAndCall} each, pool
 * funding an approval and the funding), answered with the events of its receipt and refused,
 * without anything sent, with the code the embedded ledger gives (see {@link ContractErrors}).
 *
 * <p>Every web3j request blocks, so all of them run on the executor given (in the node a dedicated
 * dispatcher); the methods return at once. The generated contract wrappers only encode calls and
 * decode answers here; sending is {@link ChainTransactions}'.
 */
public final class EvmLedger implements Ledger {
  private static final BigInteger UINT256_MAX = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
  private static final long UINT32_MAX = 0xFFFF_FFFFL;
  private static final int UINT16_MAX = 0xFFFF;
  private static final Pattern CORE_KEY = Pattern.compile("(0x)?[0-9a-fA-F]{64}");

  private final Web3j web3j;
  private final ChainTransactions chain;
  private final ContractEvents events;
  private final ContractAddresses addresses;
  private final CairnToken token;
  private final Marketplace marketplace;
  private final Escrow escrow;
  private final ChecksumReports reports;
  private final ProviderStakes stakes;

  /**
   * @param web3j the node's client (an {@code HttpService}); the caller shuts it down
   * @param executor where every blocking web3j request runs
   */
  public EvmLedger(
      Web3j web3j, ContractAddresses addresses, EvmChainSettings settings, Executor executor) {
    this.web3j = web3j;
    this.chain = new ChainTransactions(web3j, settings, executor);
    this.events = new ContractEvents(addresses);
    this.addresses = addresses;
    // loaded only to encode calls and decode answers: they never send
    ReadonlyTransactionManager encoderOnly = new ReadonlyTransactionManager(web3j, null);
    StaticGasProvider noGas = new StaticGasProvider(BigInteger.ZERO, settings.gasLimit());
    this.token = CairnToken.load(addresses.token().value(), web3j, encoderOnly, noGas);
    this.marketplace = Marketplace.load(addresses.marketplace().value(), web3j, encoderOnly, noGas);
    this.escrow = Escrow.load(addresses.escrow().value(), web3j, encoderOnly, noGas);
    this.reports =
        ChecksumReports.load(addresses.checksumReports().value(), web3j, encoderOnly, noGas);
    this.stakes =
        ProviderStakes.load(addresses.providerStakes().value(), web3j, encoderOnly, noGas);
  }

  /**
   * Deploys the five contracts from {@code deployer}, with {@code operator} holding every role: the
   * token's admin and minter, the marketplace's admin (and protocol fee recipient), the escrow's
   * admin and settler, the checksum reports' admin and round opener, the provider stakes' admin and
   * settler (the escrow holds their creditor role). Blocks until the five are mined.
   *
   * @param coherenceBps the share of a round's reporters that must agree, 1 to 10000
   * @param unbondingSeconds how long after beginning to exit a provider can withdraw
   */
  public static ContractAddresses deploy(
      Web3j web3j,
      EvmSigner deployer,
      EthereumAddress operator,
      int coherenceBps,
      long unbondingSeconds,
      EvmChainSettings settings)
      throws IOException {
    return deployment(web3j, deployer, operator, coherenceBps, unbondingSeconds, settings)
        .addresses();
  }

  /**
   * A deployment: where the five contracts are, on which chain, and the block of the first of them,
   * before which the contracts have no logs (a follower's {@code from-block}).
   */
  public record Deployment(ContractAddresses addresses, long chainId, long firstBlock) {}

  /** {@link #deploy}, answering with the chain id and the deployment's first block as well. */
  public static Deployment deployment(
      Web3j web3j,
      EvmSigner deployer,
      EthereumAddress operator,
      int coherenceBps,
      long unbondingSeconds,
      EvmChainSettings settings)
      throws IOException {
    if (coherenceBps < 1 || coherenceBps > 10_000) {
      throw new IllegalArgumentException("coherence must be 1 to 10000 bps, not " + coherenceBps);
    }
    if (unbondingSeconds < 0) {
      throw new IllegalArgumentException("unbonding must be 0 or more, not " + unbondingSeconds);
    }
    ChainTransactions chain = new ChainTransactions(web3j, settings, Runnable::run);
    Address admin = new Address(operator.value());
    return chain.blockingAs(
        deployer,
        sender -> {
          TransactionReceipt token = create(sender, settings, CairnToken.BINARY, admin);
          Address tokenAddress = new Address(token.getContractAddress());
          EthereumAddress marketplace =
              created(create(sender, settings, Marketplace.BINARY, tokenAddress, admin));
          // the escrow and the stakes name each other: the escrow is created with the address
          // the stakes will have, the deployer's next creation, and the stakes with the escrow's
          BigInteger escrowNonce =
              web3j
                  .ethGetTransactionCount(
                      sender.address().value(), DefaultBlockParameterName.PENDING)
                  .send()
                  .getTransactionCount();
          String stakesAhead =
              ContractUtils.generateContractAddress(
                  sender.address().value(), escrowNonce.add(BigInteger.ONE));
          EthereumAddress escrow =
              created(
                  create(
                      sender,
                      settings,
                      Escrow.BINARY,
                      tokenAddress,
                      new Address(stakesAhead),
                      admin,
                      admin));
          EthereumAddress stakes =
              created(
                  create(
                      sender,
                      settings,
                      ProviderStakes.BINARY,
                      tokenAddress,
                      admin,
                      admin,
                      new Address(escrow.value()),
                      new Uint64(unbondingSeconds)));
          if (!stakes.equals(ContractEvents.address(stakesAhead))) {
            throw new IllegalStateException(
                "the provider stakes were created at "
                    + stakes
                    + ", not at "
                    + stakesAhead
                    + " where the escrow expects them: did the deployer send another transaction"
                    + " meanwhile?");
          }
          EthereumAddress reports =
              created(
                  create(
                      sender,
                      settings,
                      ChecksumReports.BINARY,
                      tokenAddress,
                      admin,
                      admin,
                      new Uint16(coherenceBps)));
          ContractAddresses addresses =
              new ContractAddresses(
                  ContractEvents.address(token.getContractAddress()),
                  marketplace,
                  escrow,
                  reports,
                  stakes);
          return new Deployment(
              addresses, chain.chainId(), token.getBlockNumber().longValueExact());
        });
  }

  private static TransactionReceipt create(
      Sender sender, EvmChainSettings settings, String binary, Type<?>... arguments)
      throws IOException {
    String data = binary + FunctionEncoder.encodeConstructor(List.of(arguments));
    return sender.send(null, data, settings.deployGasLimit());
  }

  private static EthereumAddress created(TransactionReceipt receipt) {
    return ContractEvents.address(receipt.getContractAddress());
  }

  public ContractAddresses addresses() {
    return addresses;
  }

  /** The node's chain id, once it is known to be the expected one ({@code WRONG_CHAIN} if not). */
  public CompletionStage<Long> chainId() {
    return chain.read(chain::chainId);
  }

  /**
   * The roles the node acts in that {@code operator} does not hold, one "contract ROLE" each: the
   * token's MINTER_ROLE, the marketplace's DEFAULT_ADMIN_ROLE (the protocol fee), the escrow's
   * SETTLER_ROLE, the checksum reports' ROUND_OPENER_ROLE and the provider stakes' SETTLER_ROLE.
   * Empty when it holds them all.
   */
  public CompletionStage<List<String>> missingRoles(EthereumAddress operator) {
    String account = operator.value();
    return chain.read(
        () -> {
          List<String> missing = new ArrayList<>();
          if (!holds(token, token.hasRole(role("MINTER_ROLE"), account))) {
            missing.add("token MINTER_ROLE");
          }
          if (!holds(marketplace, marketplace.hasRole(new byte[32], account))) {
            missing.add("marketplace DEFAULT_ADMIN_ROLE");
          }
          if (!holds(escrow, escrow.hasRole(role("SETTLER_ROLE"), account))) {
            missing.add("escrow SETTLER_ROLE");
          }
          if (!holds(reports, reports.hasRole(role("ROUND_OPENER_ROLE"), account))) {
            missing.add("checksum-reports ROUND_OPENER_ROLE");
          }
          if (!holds(stakes, stakes.hasRole(role("SETTLER_ROLE"), account))) {
            missing.add("provider-stakes SETTLER_ROLE");
          }
          return missing;
        });
  }

  /** OpenZeppelin's AccessControl names a role by the hash of its name (DEFAULT_ADMIN_ROLE: 0). */
  private static byte[] role(String name) {
    return Hash.sha3(name.getBytes(StandardCharsets.US_ASCII));
  }

  private boolean holds(Contract contract, RemoteFunctionCall<Boolean> hasRole) throws IOException {
    return (Boolean) answer(contract, hasRole).get(0).getValue();
  }

  /**
   * @throws IllegalArgumentException when {@code signer} is not a {@link
   *     io.cairn.protocol.event.PrivateKeySigner}: a transaction is signed here
   */
  @Override
  public CompletionStage<List<LedgerEvent>> submit(EvmSigner signer, LedgerOperation operation) {
    return chain.asSigner(signer, sender -> carryOut(sender, operation));
  }

  private List<LedgerEvent> carryOut(Sender sender, LedgerOperation operation) throws IOException {
    if (operation instanceof Mint mint) {
      return transaction(sender, token, token.mint(mint.to().value(), amount(mint.amount())), true);
    } else if (operation instanceof Transfer transfer) {
      return transaction(
          sender, token, token.transfer(transfer.to().value(), amount(transfer.amount())), true);
    } else if (operation instanceof CreateProduct create) {
      return transaction(sender, marketplace, createProduct(create.terms()), false);
    } else if (operation instanceof Buy buy) {
      return buy(sender, buy);
    } else if (operation instanceof GrantLicence grant) {
      return transaction(
          sender,
          marketplace,
          marketplace.grantLicence(
              productId(grant.productId()), grant.buyer().value(), seconds(grant.seconds())),
          false);
    } else if (operation instanceof RevokeLicence revoke) {
      return transaction(
          sender,
          marketplace,
          marketplace.revokeLicence(productId(revoke.productId()), revoke.buyer().value()),
          false);
    } else if (operation instanceof SetProtocolFee fee) {
      // a fee beyond uint16 is refused by the contract as too high, as the rules refuse it
      int bps = fee.feeBps() < 0 || fee.feeBps() > UINT16_MAX ? UINT16_MAX : fee.feeBps();
      return transaction(
          sender,
          marketplace,
          marketplace.setProtocolFee(fee.recipient().value(), BigInteger.valueOf(bps)),
          false);
    } else if (operation instanceof Deposit deposit) {
      return transaction(
          sender,
          token,
          token.transferAndCall(
              addresses.escrow().value(), amount(deposit.amount()), deposit.jobId().toByteArray()),
          false);
    } else if (operation instanceof Settle settle) {
      return transaction(sender, escrow, settle(settle), false);
    } else if (operation instanceof Close close) {
      return transaction(sender, escrow, escrow.close(close.jobId().toByteArray()), false);
    } else if (operation instanceof FundPool fund) {
      return fundPool(sender, fund.amount());
    } else if (operation instanceof OpenRound open) {
      RoundKey round = open.round();
      return transaction(
          sender,
          reports,
          reports.openRound(
              round.streamId(),
              BigInteger.valueOf(Integer.toUnsignedLong(round.partition())),
              unsigned(round.interval()),
              open.reporters().stream().map(EthereumAddress::value).toList(),
              amount(open.rewardPerReporter())),
          false);
    } else if (operation instanceof Report report) {
      return transaction(
          sender,
          reports,
          reports.report(
              report.round().id().toByteArray(),
              unsigned(report.eventCount()),
              report.checksum().toByteArray()),
          false);
    } else if (operation instanceof CloseRound close) {
      return transaction(
          sender, reports, reports.closeRound(close.round().id().toByteArray()), false);
    }
    return carryOutStake(sender, operation);
  }

  /** The ProviderStakes operations; a stake is one {@code transferAndCall} to the contract. */
  private List<LedgerEvent> carryOutStake(Sender sender, LedgerOperation operation)
      throws IOException {
    if (operation instanceof Stake stake) {
      return transaction(
          sender,
          token,
          token.transferAndCall(
              addresses.providerStakes().value(), amount(stake.amount()), new byte[0]),
          false);
    } else if (operation instanceof BeginExit) {
      return transaction(sender, stakes, stakes.beginExit(), false);
    } else if (operation instanceof Withdraw) {
      return transaction(sender, stakes, stakes.withdraw(), false);
    } else if (operation instanceof Slash slash) {
      return transaction(
          sender,
          stakes,
          stakes.slash(
              slash.provider().value(), amount(slash.amount()), slash.slashId().toByteArray()),
          false);
    } else if (operation instanceof Freeze freeze) {
      // a time before 1970 never lengthens a freeze, as 0 does not on the contract
      return transaction(
          sender,
          stakes,
          stakes.freeze(freeze.provider().value(), BigInteger.valueOf(Math.max(0, freeze.until()))),
          false);
    } else if (operation instanceof ReleaseHeld release) {
      return transaction(
          sender,
          stakes,
          stakes.releaseHeld(
              release.provider().value(),
              amount(release.amount()),
              release.releaseId().toByteArray()),
          false);
    } else if (operation instanceof PayRepair repair) {
      return transaction(
          sender,
          stakes,
          stakes.payRepair(
              repair.recipient().value(), amount(repair.amount()), repair.repairId().toByteArray()),
          false);
    }
    throw new IllegalStateException("unknown " + operation);
  }

  /**
   * One {@code transferAndCall} of the price to the marketplace with the product id: the transfer
   * and the purchase in one transaction, with no allowance left behind. The price is the product's,
   * read first (a product's price never changes).
   */
  private List<LedgerEvent> buy(Sender sender, Buy buy) throws IOException {
    Marketplace.Product product =
        productOnChain(buy.productId(), DefaultBlockParameterName.LATEST).orThrow();
    // a purchase of no time (or less) is refused by the contract (ZeroSeconds), as by the rules
    BigInteger seconds = BigInteger.valueOf(Math.max(0, buy.seconds()));
    byte[] productId = Numeric.toBytesPadded(BigInteger.valueOf(buy.productId()), 32);
    return transaction(
        sender,
        token,
        token.transferAndCall(
            addresses.marketplace().value(),
            amount(product.pricePerSecond.multiply(seconds)),
            productId),
        false);
  }

  /**
   * The approval of exactly the amount, then the funding, which spends it. What the funding would
   * be refused for is found first (the call without the allowance fails on the allowance only after
   * its own checks; the balance is read), so that a refused funding leaves no allowance; if the
   * funding still fails, the allowance is taken back. (An allowance the signer had given the
   * reports contract before is replaced.)
   */
  private List<LedgerEvent> fundPool(Sender sender, BigInteger amount) throws IOException {
    String funding = reports.fundPool(amount(amount)).encodeFunctionCall();
    String reportsAddress = addresses.checksumReports().value();
    Optional<Rejection> refusal = sender.call(reportsAddress, funding).refusal();
    if (refusal.isPresent() && refusal.get().code() != ErrorCode.INSUFFICIENT_ALLOWANCE) {
      throw refusal.get();
    }
    BigInteger balance = uint(token, token.balanceOf(sender.address().value()));
    if (balance.compareTo(amount) < 0) {
      throw new Rejection(
          ErrorCode.INSUFFICIENT_BALANCE,
          sender.address() + " holds " + balance + "; " + amount + " needed");
    }
    sender.send(
        addresses.token().value(), token.approve(reportsAddress, amount).encodeFunctionCall());
    try {
      return events.decode(sender.send(reportsAddress, funding), false);
    } catch (Rejection refused) {
      sender.send(
          addresses.token().value(),
          token.approve(reportsAddress, BigInteger.ZERO).encodeFunctionCall());
      throw refused;
    }
  }

  private RemoteFunctionCall<TransactionReceipt> createProduct(ProductTerms terms) {
    List<byte[]> cores = new ArrayList<>();
    for (String core : terms.cores()) {
      if (!CORE_KEY.matcher(core).matches()) {
        throw new Rejection(
            ErrorCode.INVALID_PRODUCT, "invalid product: core '" + core + "' is not 64 hex digits");
      }
      cores.add(Numeric.hexStringToByteArray(core));
    }
    if (terms.minimumSeconds() < 0) {
      throw new Rejection(ErrorCode.INVALID_PRODUCT, "invalid product: minimum seconds below 0");
    }
    List<String> beneficiaries = new ArrayList<>();
    List<BigInteger> shares = new ArrayList<>();
    for (ProductTerms.Beneficiary beneficiary : terms.beneficiaries()) {
      if (beneficiary.shares() > UINT32_MAX) {
        throw new Rejection(
            ErrorCode.INVALID_PRODUCT, "invalid product: a share is at most " + UINT32_MAX);
      }
      beneficiaries.add(beneficiary.address().value());
      // a share below 1 is refused by the contract as a zero share, as by the rules
      shares.add(BigInteger.valueOf(Math.max(0, beneficiary.shares())));
    }
    BigInteger price = terms.pricePerSecond().max(BigInteger.ZERO);
    if (price.compareTo(UINT256_MAX) > 0) {
      throw new Rejection(ErrorCode.INVALID_PRODUCT, "invalid product: price beyond uint256");
    }
    return marketplace.createProduct(
        terms.streams(),
        cores,
        price,
        BigInteger.valueOf(terms.minimumSeconds()),
        terms.termsHash().toByteArray(),
        beneficiaries,
        shares);
  }

  private RemoteFunctionCall<TransactionReceipt> settle(Settle settle) {
    return escrow.settle(
        settle.jobId().toByteArray(),
        settle.settlementId().toByteArray(),
        settle.payouts().stream().map(payout -> payout.recipient().value()).toList(),
        settle.payouts().stream().map(payout -> amount(payout.amount())).toList(),
        settle.held().stream().map(held -> held.recipient().value()).toList(),
        settle.held().stream().map(held -> amount(held.amount())).toList(),
        amount(settle.burn()));
  }

  private List<LedgerEvent> transaction(
      Sender sender,
      Contract contract,
      RemoteFunctionCall<TransactionReceipt> call,
      boolean withTransfers)
      throws IOException {
    TransactionReceipt receipt =
        sender.send(contract.getContractAddress(), call.encodeFunctionCall());
    return events.decode(receipt, withTransfers);
  }

  // ---- reads ----

  @Override
  public CompletionStage<BigInteger> totalSupply() {
    return chain.read(() -> uint(token, token.totalSupply()));
  }

  @Override
  public CompletionStage<BigInteger> balanceOf(EthereumAddress account) {
    return chain.read(() -> uint(token, token.balanceOf(account.value())));
  }

  @Override
  public CompletionStage<Optional<Product>> product(long productId) {
    return chain.read(() -> productIfAny(productId, DefaultBlockParameterName.LATEST));
  }

  /**
   * The count, then each product by id, all on the state of one block. A contract cannot list its
   * products in one call: this is one eth_call per product.
   */
  @Override
  public CompletionStage<List<Product>> products() {
    return chain.read(
        () -> {
          DefaultBlockParameter block =
              DefaultBlockParameter.valueOf(web3j.ethBlockNumber().send().getBlockNumber());
          long count =
              ((BigInteger)
                      answer(marketplace, marketplace.productCount(), block).get(0).getValue())
                  .longValueExact();
          List<Product> all = new ArrayList<>();
          for (long id = 1; id <= count; id++) {
            productIfAny(id, block).ifPresent(all::add);
          }
          return all;
        });
  }

  private Optional<Product> productIfAny(long productId, DefaultBlockParameter block)
      throws IOException {
    if (productId < 1) {
      return Optional.empty();
    }
    ProductAnswer answer = productOnChain(productId, block);
    if (answer.refusal().isPresent()
        && answer.refusal().get().code() == ErrorCode.PRODUCT_NOT_FOUND) {
      return Optional.empty();
    }
    Marketplace.Product p = answer.orThrow();
    if (ContractEvents.address(p.owner).equals(ZERO_ADDRESS)) {
      return Optional.empty();
    }
    return Optional.of(
        ContractEvents.product(
            BigInteger.valueOf(productId),
            p.owner,
            p.pricePerSecond,
            p.minimumSeconds,
            p.termsHash,
            p.streams,
            p.cores,
            p.beneficiaries,
            p.shares));
  }

  @Override
  public CompletionStage<Licence> licence(long productId, EthereumAddress buyer) {
    return chain.read(
        () ->
            new Licence(
                productId,
                buyer,
                productId < 0
                    ? 0
                    : uint(
                            marketplace,
                            marketplace.licenceEnd(BigInteger.valueOf(productId), buyer.value()))
                        .longValue()));
  }

  @Override
  public CompletionStage<EscrowJob> escrowJob(Bytes32 jobId) {
    return chain.read(
        () -> {
          RemoteFunctionCall<Escrow.Job> call = escrow.job(jobId.toByteArray());
          Escrow.Job job = (Escrow.Job) answer(escrow, call).get(0);
          return new EscrowJob(
              jobId,
              ContractEvents.address(job.supporter),
              job.balance,
              job.deposited,
              job.paidOut,
              job.burned,
              job.held,
              job.refunded,
              job.closed);
        });
  }

  @Override
  public CompletionStage<BigInteger> reportPool() {
    return chain.read(() -> uint(reports, reports.pool()));
  }

  @Override
  public CompletionStage<BigInteger> heldForReports() {
    return chain.read(() -> uint(token, token.balanceOf(addresses.checksumReports().value())));
  }

  @Override
  @SuppressWarnings("rawtypes") // web3j decodes to raw Types
  public CompletionStage<RoundOutcome> outcome(RoundKey round) {
    Bytes32 id = round.id();
    return chain.read(
        () -> {
          List<Type> values = answer(reports, reports.outcome(id.toByteArray()));
          boolean opened = (Boolean) values.get(0).getValue();
          boolean finalised = (Boolean) values.get(1).getValue();
          boolean closed = (Boolean) values.get(2).getValue();
          long eventCount = ((BigInteger) values.get(3).getValue()).longValue();
          Bytes32 checksum = Bytes32.of((byte[]) values.get(4).getValue());
          return new RoundOutcome(
              id,
              opened,
              finalised
                  ? Optional.of(new RoundOutcome.Report(eventCount, checksum))
                  : Optional.empty(),
              closed);
        });
  }

  @Override
  public CompletionStage<ProviderStake> providerStake(EthereumAddress provider) {
    return chain.read(
        () -> {
          RemoteFunctionCall<ProviderStakes.Stake> call = stakes.stakeOf(provider.value());
          ProviderStakes.Stake s = (ProviderStakes.Stake) answer(stakes, call).get(0);
          return new ProviderStake(
              provider,
              s.stake,
              s.held,
              s.exiting,
              s.withdrawableAt.longValueExact(),
              s.frozenUntil.longValueExact());
        });
  }

  @Override
  public CompletionStage<BigInteger> repairFund() {
    return chain.read(() -> uint(stakes, stakes.repairFund()));
  }

  /** The timestamp of the chain's latest block. */
  @Override
  public CompletionStage<Long> now() {
    return chain.read(
        () ->
            web3j
                .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                .send()
                .getBlock()
                .getTimestamp()
                .longValueExact());
  }

  // ---- encoding and decoding ----

  /** A token amount as a uint256; one below 0 or beyond 2^256 - 1 cannot be on a chain. */
  private static BigInteger amount(BigInteger value) {
    if (value.signum() < 0 || value.compareTo(UINT256_MAX) > 0) {
      throw new Rejection(ErrorCode.INVALID_AMOUNT, "an amount is 0 to 2^256 - 1, not " + value);
    }
    return value;
  }

  /** A negative product id names no product: sent as 0, which the contract refuses so. */
  private static BigInteger productId(long id) {
    return BigInteger.valueOf(Math.max(0, id));
  }

  /** A licence of no time or less: sent as 0, which the contract refuses (ZeroSeconds). */
  private static BigInteger seconds(long seconds) {
    return BigInteger.valueOf(Math.max(0, seconds));
  }

  /** A uint64 written as a long (a round's interval, an event count), as RoundKey hashes it. */
  private static BigInteger unsigned(long value) {
    return new BigInteger(Long.toUnsignedString(value));
  }

  /** The product as the marketplace returns it, or the refusal (UnknownProduct for none). */
  private ProductAnswer productOnChain(long productId, DefaultBlockParameter block)
      throws IOException {
    if (productId < 0) {
      return new ProductAnswer(
          null, Optional.of(new Rejection(ErrorCode.PRODUCT_NOT_FOUND, "no product " + productId)));
    }
    RemoteFunctionCall<Marketplace.Product> call =
        marketplace.product(BigInteger.valueOf(productId));
    CallResult result =
        chain.call(null, marketplace.getContractAddress(), call.encodeFunctionCall(), block);
    if (result.refusal().isPresent()) {
      return new ProductAnswer(null, result.refusal());
    }
    return new ProductAnswer(
        (Marketplace.Product) call.decodeFunctionResponse(result.value()).get(0), Optional.empty());
  }

  private record ProductAnswer(Marketplace.Product product, Optional<Rejection> refusal) {
    Marketplace.Product orThrow() {
      if (refusal.isPresent()) {
        throw refusal.get();
      }
      return product;
    }
  }

  /** A view call's decoded answer; a revert is thrown as its refusal. */
  @SuppressWarnings("rawtypes") // web3j decodes to raw Types
  private List<Type> answer(Contract contract, RemoteFunctionCall<?> call) throws IOException {
    return answer(contract, call, DefaultBlockParameterName.LATEST);
  }

  /** The same on the state of {@code block}. */
  @SuppressWarnings("rawtypes") // web3j decodes to raw Types
  private List<Type> answer(
      Contract contract, RemoteFunctionCall<?> call, DefaultBlockParameter block)
      throws IOException {
    String value =
        chain.call(null, contract.getContractAddress(), call.encodeFunctionCall(), block).orThrow();
    return call.decodeFunctionResponse(value);
  }

  /** A view call answering one unsigned integer. */
  private BigInteger uint(Contract contract, RemoteFunctionCall<BigInteger> call)
      throws IOException {
    return (BigInteger) answer(contract, call).get(0).getValue();
  }
}
