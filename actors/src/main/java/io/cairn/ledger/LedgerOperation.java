package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.List;

/**
 * Everything a signer can ask the ledger to do: one record per state-changing function of the
 * contracts. Who may do it is the rules' business ({@link LedgerRules}), not the operation's.
 */
public sealed interface LedgerOperation {

  /** The operator's (the token's minter's) new tokens. */
  record Mint(EthereumAddress to, BigInteger amount) implements LedgerOperation {}

  record Transfer(EthereumAddress to, BigInteger amount) implements LedgerOperation {}

  record CreateProduct(ProductTerms terms) implements LedgerOperation {}

  record Buy(long productId, long seconds) implements LedgerOperation {}

  record GrantLicence(long productId, EthereumAddress buyer, long seconds)
      implements LedgerOperation {}

  record RevokeLicence(long productId, EthereumAddress buyer) implements LedgerOperation {}

  record SetProtocolFee(EthereumAddress recipient, int feeBps) implements LedgerOperation {}

  record Deposit(Bytes32 jobId, BigInteger amount) implements LedgerOperation {}

  /**
   * Pays {@code payouts} out of the job's escrow, moves {@code held} into the named providers'
   * held-back earnings ({@link ProviderStake#held}) and burns {@code burn}; once per {@code
   * settlementId}. At most {@link LedgerRules#MAX_RECIPIENTS} payouts and held amounts together.
   */
  record Settle(
      Bytes32 jobId, Bytes32 settlementId, List<Payout> payouts, List<Payout> held, BigInteger burn)
      implements LedgerOperation {
    public Settle {
      payouts = List.copyOf(payouts);
      held = List.copyOf(held);
    }
  }

  record Close(Bytes32 jobId) implements LedgerOperation {}

  record FundPool(BigInteger amount) implements LedgerOperation {}

  record OpenRound(RoundKey round, List<EthereumAddress> reporters, BigInteger rewardPerReporter)
      implements LedgerOperation {
    public OpenRound {
      reporters = List.copyOf(reporters);
    }
  }

  record Report(RoundKey round, long eventCount, Bytes32 checksum) implements LedgerOperation {}

  record CloseRound(RoundKey round) implements LedgerOperation {}

  // ---- provider stakes (ProviderStakes.sol) ----

  /** The signer (a provider) adds {@code amount} to its stake; refused once it began exiting. */
  record Stake(BigInteger amount) implements LedgerOperation {}

  /**
   * The signer starts leaving: its stake and held earnings can be withdrawn the ledger's unbonding
   * time from now (and not before a freeze ends). Refused when it already began, or holds nothing.
   */
  record BeginExit() implements LedgerOperation {}

  /** The exiting signer takes its stake and held earnings back, once unbonded and not frozen. */
  record Withdraw() implements LedgerOperation {}

  /**
   * The operator takes up to {@code amount} from the provider, its held earnings first, then its
   * stake, into the repair fund; once per {@code slashId}.
   */
  record Slash(EthereumAddress provider, BigInteger amount, Bytes32 slashId)
      implements LedgerOperation {}

  /**
   * The operator keeps the provider from withdrawing before {@code until} (Unix seconds); a freeze
   * is never shortened.
   */
  record Freeze(EthereumAddress provider, long until) implements LedgerOperation {}

  /**
   * The operator pays {@code amount} of the provider's held earnings to the provider's balance;
   * once per {@code releaseId}.
   */
  record ReleaseHeld(EthereumAddress provider, BigInteger amount, Bytes32 releaseId)
      implements LedgerOperation {}

  /** The operator pays {@code amount} out of the repair fund; once per {@code repairId}. */
  record PayRepair(EthereumAddress recipient, BigInteger amount, Bytes32 repairId)
      implements LedgerOperation {}
}
