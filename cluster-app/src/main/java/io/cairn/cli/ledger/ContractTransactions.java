package io.cairn.cli.ledger;

import io.cairn.api.ledger.LedgerApiMapper;
import io.cairn.client.LedgerClient;
import io.cairn.ledger.LedgerEvent;
import io.cairn.ledger.LedgerOperations;
import io.cairn.ledger.evm.EvmLedger;
import io.cairn.protocol.api.v1.LedgerReceipt;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.event.EvmSigner;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A command's ledger operations as transactions to the contracts, signed here by the command's key
 * (it never leaves the process) and answered with the receipt the node would give: the events, in
 * the order the contracts emit them, at the chain's time once mined. A revert is thrown as the
 * refusal the embedded ledger gives ({@link io.cairn.protocol.Rejection}), and nothing is sent.
 */
final class ContractTransactions implements LedgerClient.Transactions {
  private final EvmLedger ledger;
  private final EvmSigner signer;

  ContractTransactions(EvmLedger ledger, EvmSigner signer) {
    this.ledger = ledger;
    this.signer = signer;
  }

  @Override
  public LedgerReceipt send(LedgerRequest operation) {
    List<LedgerEvent> events =
        await(ledger.submit(signer, LedgerOperations.fromRequest(operation)));
    return LedgerReceipt.newBuilder()
        .setAt(await(ledger.now()))
        .addAllEvents(events.stream().map(LedgerApiMapper::event).toList())
        .build();
  }

  /**
   * The answer of a ledger that runs on the calling thread; its failure as thrown (a refusal, a
   * chain that did not answer).
   */
  private static <T> T await(CompletionStage<T> answer) {
    try {
      return answer.toCompletableFuture().join();
    } catch (CompletionException failed) {
      if (failed.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw failed;
    }
  }
}
