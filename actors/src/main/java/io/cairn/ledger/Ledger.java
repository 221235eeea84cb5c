package io.cairn.ledger;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The token, the market, the escrow, the checksum reports and the providers' stakes, with the
 * contracts' rules, on one of two backends: the embedded ledger in the cluster ({@link
 * EmbeddedLedger}) or the contracts on an Ethereum chain. Both answer the same operations with the
 * same events and the same refusals (a {@link io.cairn.protocol.Rejection} with the same {@link
 * io.cairn.protocol.ErrorCode}), which the conformance suite checks scenario by scenario.
 *
 * <p>Operations are signed by the acting account on the caller's side: a signed request on the
 * embedded ledger, a transaction on a chain. Times are the ledger's, in Unix seconds: the embedded
 * ledger's clock, or the timestamp of the chain's latest block.
 */
public interface Ledger {
  EthereumAddress ZERO_ADDRESS = new EthereumAddress("0x" + "0".repeat(40));

  /**
   * Carries out {@code operation} as {@code signer}; completes with the events it caused, in the
   * order the contracts emit them, or fails with the refusal and changes nothing.
   */
  CompletionStage<List<LedgerEvent>> submit(EvmSigner signer, LedgerOperation operation);

  CompletionStage<BigInteger> totalSupply();

  CompletionStage<BigInteger> balanceOf(EthereumAddress account);

  CompletionStage<Optional<Product>> product(long productId);

  /** Every product, in the order they were created. */
  CompletionStage<List<Product>> products();

  /** The buyer's licence; {@code endsAt} 0 when there never was one. */
  CompletionStage<Licence> licence(long productId, EthereumAddress buyer);

  /** The job's escrow; {@link EscrowJob#unknown} when nobody deposited to it. */
  CompletionStage<EscrowJob> escrowJob(Bytes32 jobId);

  /** The checksum reports' pool not yet reserved for a round. */
  CompletionStage<BigInteger> reportPool();

  /** Every token the checksum reports hold: the pool and the rewards reserved for open rounds. */
  CompletionStage<BigInteger> heldForReports();

  CompletionStage<RoundOutcome> outcome(RoundKey round);

  /** The provider's stake and held earnings; {@link ProviderStake#none} when it has none. */
  CompletionStage<ProviderStake> providerStake(EthereumAddress provider);

  /** What slashes put in the repair fund and repairs have not been paid from it. */
  CompletionStage<BigInteger> repairFund();

  /** The ledger's time, Unix seconds. */
  CompletionStage<Long> now();
}
