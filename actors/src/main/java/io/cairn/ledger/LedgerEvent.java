package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.List;

/**
 * What the ledger records, one record per Solidity event of the contracts (and named alike), so
 * that the cluster follows the embedded ledger's journal and a chain's logs the same way. Each
 * carries what a reader needs without the ledger's state: a purchase's buyer and price, a deposit's
 * supporter.
 */
public sealed interface LedgerEvent {

  /** ERC-20 {@code Transfer}: a mint comes from, and a burn goes to, the zero address. */
  record Transferred(EthereumAddress from, EthereumAddress to, BigInteger amount)
      implements LedgerEvent {}

  record ProductCreated(Product product) implements LedgerEvent {}

  /** A purchase ({@code price} paid by the buyer) or an owner's grant ({@code price} 0). */
  record LicenceExtended(
      long productId, EthereumAddress buyer, long endsAt, long addedSeconds, BigInteger price)
      implements LedgerEvent {}

  record LicenceRevoked(long productId, EthereumAddress buyer, long endedAt)
      implements LedgerEvent {}

  /** One part of a sale's price reaching the protocol fee recipient or a beneficiary. */
  record SalePaid(long productId, EthereumAddress recipient, BigInteger amount)
      implements LedgerEvent {}

  record ProtocolFeeChanged(EthereumAddress recipient, int feeBps) implements LedgerEvent {}

  record Deposited(Bytes32 jobId, EthereumAddress supporter, BigInteger amount, BigInteger balance)
      implements LedgerEvent {}

  record PaidOut(Bytes32 jobId, EthereumAddress recipient, BigInteger amount, Bytes32 settlementId)
      implements LedgerEvent {}

  record Burned(Bytes32 jobId, BigInteger amount, Bytes32 settlementId) implements LedgerEvent {}

  record Refunded(Bytes32 jobId, EthereumAddress supporter, BigInteger amount)
      implements LedgerEvent {}

  /**
   * Escrow's {@code HeldBack}: part of a settlement moved from the job's escrow into the provider's
   * held-back earnings in ProviderStakes.
   */
  record HeldBack(Bytes32 jobId, EthereumAddress provider, BigInteger amount, Bytes32 settlementId)
      implements LedgerEvent {}

  /** A settlement applied (the embedded ledger's record that its id is used). */
  record Settled(Bytes32 jobId, Bytes32 settlementId) implements LedgerEvent {}

  record PoolFunded(EthereumAddress from, BigInteger amount, BigInteger pool)
      implements LedgerEvent {}

  record RoundOpened(RoundKey round, List<EthereumAddress> reporters, BigInteger rewardPerReporter)
      implements LedgerEvent {
    public RoundOpened {
      reporters = List.copyOf(reporters);
    }
  }

  record Reported(Bytes32 roundId, EthereumAddress reporter, long eventCount, Bytes32 checksum)
      implements LedgerEvent {}

  record ReportFinalised(Bytes32 roundId, long eventCount, Bytes32 checksum)
      implements LedgerEvent {}

  record ReporterRewarded(Bytes32 roundId, EthereumAddress reporter, BigInteger amount)
      implements LedgerEvent {}

  /** A reporter left unpaid when its round closed, and why. */
  record ReporterUnrewarded(Bytes32 roundId, EthereumAddress reporter, Unrewarded reason)
      implements LedgerEvent {}

  record RoundClosed(Bytes32 roundId, boolean finalised) implements LedgerEvent {}

  // ---- ProviderStakes ----

  /** {@code amount} added to the provider's stake, which is now {@code stake}. */
  record Staked(EthereumAddress provider, BigInteger amount, BigInteger stake)
      implements LedgerEvent {}

  record ExitBegun(EthereumAddress provider, long withdrawableAt) implements LedgerEvent {}

  /** The exited provider's stake and held earnings paid back to it; its record is gone. */
  record Withdrawn(EthereumAddress provider, BigInteger stake, BigInteger held)
      implements LedgerEvent {}

  /**
   * What a slash took from the provider's held earnings and from its stake into the repair fund.
   */
  record Slashed(
      EthereumAddress provider, BigInteger fromHeld, BigInteger fromStake, Bytes32 slashId)
      implements LedgerEvent {}

  /** The provider cannot withdraw before {@code frozenUntil} (Unix seconds). */
  record Frozen(EthereumAddress provider, long frozenUntil) implements LedgerEvent {}

  record HeldReleased(EthereumAddress provider, BigInteger amount, Bytes32 releaseId)
      implements LedgerEvent {}

  record RepairPaid(EthereumAddress recipient, BigInteger amount, Bytes32 repairId)
      implements LedgerEvent {}

  /** The embedded ledger's record that a signer used a nonce; a chain keeps its own. */
  record NonceUsed(EthereumAddress signer, long nonce) implements LedgerEvent {}

  /** The contract's reason codes: 1 for a report that differs from the final one, 2 for none. */
  enum Unrewarded {
    DISAGREED(1),
    MISSING(2);

    private final int code;

    Unrewarded(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    public static Unrewarded ofCode(int code) {
      for (Unrewarded reason : values()) {
        if (reason.code == code) {
          return reason;
        }
      }
      throw new IllegalArgumentException("no unrewarded reason " + code);
    }
  }
}
