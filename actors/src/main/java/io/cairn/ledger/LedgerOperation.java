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

  record Settle(Bytes32 jobId, Bytes32 settlementId, List<Payout> payouts, BigInteger burn)
      implements LedgerOperation {
    public Settle {
      payouts = List.copyOf(payouts);
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
}
