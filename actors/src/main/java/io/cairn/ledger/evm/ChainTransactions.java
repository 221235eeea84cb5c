package io.cairn.ledger.evm;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.tx.response.TransactionReceiptProcessor;

/**
 * The blocking, web3j side of the ledger on a chain: calls, transactions and their receipts, each
 * run on the executor given (web3j blocks on every request), after the node has been found on the
 * expected chain.
 *
 * <p>A transaction is first simulated with eth_call from the same sender with the same data, and a
 * revert is refused as {@link ContractErrors} maps it without anything being sent: a node answers
 * eth_call with the revert data, while a mined transaction's receipt holds only its status. The
 * transaction is then signed here ({@link RawTransactionManager}) with a fixed gas limit and the
 * node's gas price, and its receipt polled for at the configured interval. One signer's
 * transactions are sent one at a time, each after the previous one's receipt, so that the nonce
 * web3j reads from the node is never one already in flight.
 */
final class ChainTransactions {
  private static final Logger LOG = LoggerFactory.getLogger(ChainTransactions.class);

  private final Web3j web3j;
  private final EvmChainSettings settings;
  private final Executor executor;
  private final TransactionReceiptProcessor receipts;

  /** The chain id once the node has reported the expected one; null until then. */
  private volatile Long verifiedChainId;

  /**
   * Per signer, the end of its latest turn: a new turn starts when that completes. A signer's entry
   * leaves the map with its last turn, so it holds only signers with work in flight.
   */
  private final ConcurrentMap<EthereumAddress, CompletableFuture<Void>> turns =
      new ConcurrentHashMap<>();

  ChainTransactions(Web3j web3j, EvmChainSettings settings, Executor executor) {
    this.web3j = web3j;
    this.settings = settings;
    this.executor = executor;
    this.receipts =
        new PollingTransactionReceiptProcessor(
            web3j, settings.pollMillis(), settings.receiptAttempts());
  }

  /** Blocking work (reads), on the executor, once the node is known to be on the right chain. */
  <T> CompletionStage<T> read(Blocking<T> work) {
    return CompletableFuture.supplyAsync(
        () ->
            unchecked(
                () -> {
                  chainId();
                  return work.run();
                }),
        executor);
  }

  /**
   * Runs {@code work} as {@code signer} on the executor, after every earlier turn of the same
   * signer has ended.
   *
   * @throws IllegalArgumentException when the signer cannot sign a transaction here
   */
  <T> CompletionStage<T> asSigner(EvmSigner signer, SignerWork<T> work) {
    Credentials credentials = credentials(signer);
    CompletableFuture<Void> turnEnded = new CompletableFuture<>();
    CompletableFuture<Void> previous = turns.put(signer.address(), turnEnded);
    CompletableFuture<Void> start =
        previous == null ? CompletableFuture.completedFuture(null) : previous;
    return start
        .thenApplyAsync(ignored -> unchecked(() -> blockingAs(credentials, work)), executor)
        .whenComplete(
            (result, failure) -> {
              turns.remove(signer.address(), turnEnded);
              turnEnded.complete(null);
            });
  }

  /** Runs {@code work} as {@code signer} on the calling thread (deployment, from a command). */
  <T> T blockingAs(EvmSigner signer, SignerWork<T> work) throws IOException {
    return blockingAs(credentials(signer), work);
  }

  private <T> T blockingAs(Credentials credentials, SignerWork<T> work) throws IOException {
    return work.run(new Sender(credentials, chainId()));
  }

  /**
   * The node's chain id, asked once: refused with {@code WRONG_CHAIN} when it is not the expected
   * one (asked again then, and after a failure to answer).
   */
  long chainId() throws IOException {
    Long known = verifiedChainId;
    if (known != null) {
      return known;
    }
    Response<String> answer = web3j.ethChainId().send();
    if (answer.hasError()) {
      throw new IllegalStateException(
          "the node refused eth_chainId: " + describe(answer.getError()));
    }
    long reported = Long.decode(answer.getResult());
    if (settings.expectedChainId().isPresent()
        && settings.expectedChainId().getAsLong() != reported) {
      throw new Rejection(
          ErrorCode.WRONG_CHAIN,
          "the node at "
              + settings.url()
              + " is on chain "
              + reported
              + ", not on the expected chain "
              + settings.expectedChainId().getAsLong());
    }
    verifiedChainId = reported;
    return reported;
  }

  /**
   * An eth_call of {@code data} to {@code to} from {@code from} (null for none) on the state of
   * {@code block}: its return data, or the refusal its revert stands for.
   */
  CallResult call(String from, String to, String data, DefaultBlockParameter block)
      throws IOException {
    EthCall answer =
        web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), block).send();
    if (answer.hasError()) {
      Response.Error error = answer.getError();
      if (!isRevert(error)) {
        throw new IllegalStateException("the node refused eth_call: " + describe(error));
      }
      return new CallResult(null, Optional.of(ContractErrors.rejection(error.getData())));
    }
    return new CallResult(answer.getValue(), Optional.empty());
  }

  /** What an eth_call answered: return data, or a refusal. */
  record CallResult(String value, Optional<Rejection> refusal) {
    /** The return data; the refusal is thrown. */
    String orThrow() {
      if (refusal.isPresent()) {
        throw refusal.get();
      }
      return value;
    }
  }

  /** Work done in one signer's turn; it may send any number of transactions through the sender. */
  @FunctionalInterface
  interface SignerWork<T> {
    T run(Sender sender) throws IOException;
  }

  /** A blocking request to the node. */
  @FunctionalInterface
  interface Blocking<T> {
    T run() throws IOException;
  }

  /** One signer's transactions, within its turn. */
  final class Sender {
    private final EthereumAddress address;
    private final RawTransactionManager manager;

    private Sender(Credentials credentials, long chainId) {
      this.address = ContractEvents.address(credentials.getAddress());
      this.manager = new RawTransactionManager(web3j, credentials, chainId, receipts);
    }

    EthereumAddress address() {
      return address;
    }

    /** An eth_call from this signer on the latest state. */
    CallResult call(String to, String data) throws IOException {
      return ChainTransactions.this.call(
          address.value(), to, data, DefaultBlockParameterName.LATEST);
    }

    /** {@link #send(String, String, BigInteger)} with the configured gas limit. */
    TransactionReceipt send(String to, String data) throws IOException {
      return send(to, data, settings.gasLimit());
    }

    /**
     * Simulates, signs, sends and waits for the receipt (and the configured confirmations) of a
     * transaction to {@code to} (null to create a contract); a revert is thrown as its refusal.
     */
    TransactionReceipt send(String to, String data, BigInteger gasLimit) throws IOException {
      call(to, data).orThrow();
      Response<String> gasPrice = web3j.ethGasPrice().send();
      if (gasPrice.hasError()) {
        throw new IllegalStateException(
            "the node refused eth_gasPrice: " + describe(gasPrice.getError()));
      }
      EthSendTransaction sent =
          manager.sendTransaction(
              org.web3j.utils.Numeric.decodeQuantity(gasPrice.getResult()),
              gasLimit,
              to,
              data,
              BigInteger.ZERO);
      if (sent.hasError()) {
        Response.Error error = sent.getError();
        if (isRevert(error)) {
          throw ContractErrors.rejection(error.getData());
        }
        throw new IllegalStateException(
            "the node refused a transaction from " + address + ": " + describe(error));
      }
      String hash = sent.getTransactionHash();
      TransactionReceipt receipt = receipt(hash);
      if (!receipt.isStatusOK()) {
        // Simulated without a revert, then reverted when mined: the state changed in between.
        // The call replayed on the state of the receipt's block most likely gives the reason.
        throw ChainTransactions.this
            .call(
                address.value(), to, data, DefaultBlockParameter.valueOf(receipt.getBlockNumber()))
            .refusal()
            .orElseGet(() -> reverted(hash, receipt, gasLimit));
      }
      awaitConfirmations(receipt);
      return receipt;
    }
  }

  /** A mined revert whose replay does not revert: most likely the gas limit was too low. */
  private static Rejection reverted(String hash, TransactionReceipt receipt, BigInteger gasLimit) {
    if (receipt.getGasUsed().compareTo(gasLimit) >= 0) {
      return new Rejection(
          ErrorCode.CONTRACT_REVERTED,
          "transaction "
              + hash
              + " ran out of gas (all "
              + gasLimit
              + " used): raise cairn.ledger.chain.gas-limit");
    }
    return new Rejection(
        ErrorCode.CONTRACT_REVERTED,
        "transaction " + hash + " reverted (" + receipt.getGasUsed() + " gas used)");
  }

  private TransactionReceipt receipt(String hash) throws IOException {
    try {
      return receipts.waitForTransactionReceipt(hash);
    } catch (TransactionException notMined) {
      throw new Rejection(
          ErrorCode.UNAVAILABLE,
          "transaction "
              + hash
              + " was not mined within "
              + settings.receiptTimeout()
              + "; it may still be: look it up before sending it again");
    }
  }

  private void awaitConfirmations(TransactionReceipt receipt) throws IOException {
    if (settings.receiptConfirmations() == 0) {
      return;
    }
    BigInteger wanted =
        receipt.getBlockNumber().add(BigInteger.valueOf(settings.receiptConfirmations()));
    long deadline = System.nanoTime() + settings.receiptTimeout().toNanos();
    while (web3j.ethBlockNumber().send().getBlockNumber().compareTo(wanted) < 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new Rejection(
            ErrorCode.UNAVAILABLE,
            "transaction "
                + receipt.getTransactionHash()
                + " was mined but not confirmed by "
                + settings.receiptConfirmations()
                + " blocks within "
                + settings.receiptTimeout());
      }
      try {
        Thread.sleep(settings.pollMillis());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new Rejection(ErrorCode.UNAVAILABLE, "interrupted while awaiting confirmations");
      }
    }
  }

  /**
   * A revert, as nodes answer one: JSON-RPC error 3 (geth, anvil) with the revert data, or a
   * message saying so (hardhat, some gateways).
   */
  private static boolean isRevert(Response.Error error) {
    return error.getCode() == 3
        || (error.getMessage() != null
            && error.getMessage().toLowerCase(Locale.ROOT).contains("revert"));
  }

  private static String describe(Response.Error error) {
    return error.getCode() + " " + error.getMessage();
  }

  private static Credentials credentials(EvmSigner signer) {
    if (!(signer instanceof PrivateKeySigner key)) {
      throw new IllegalArgumentException(
          "the ledger on a chain signs transactions with a private key (PrivateKeySigner); a "
              + signer.getClass().getSimpleName()
              + " cannot sign one");
    }
    return Credentials.create(key.toHex());
  }

  /** A node that does not answer is UNAVAILABLE, as a cluster part that does not answer. */
  private <T> T unchecked(Blocking<T> work) {
    try {
      return work.run();
    } catch (IOException unanswered) {
      LOG.warn("the chain node at {} did not answer", settings.url(), unanswered);
      throw new Rejection(
          ErrorCode.UNAVAILABLE,
          "the chain node did not answer (" + unanswered.getMessage() + "); try again");
    }
  }
}
