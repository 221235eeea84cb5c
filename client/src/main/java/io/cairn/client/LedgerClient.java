package io.cairn.client;

import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.BuyLicence;
import io.cairn.protocol.api.v1.CreateProduct;
import io.cairn.protocol.api.v1.EscrowDeposit;
import io.cairn.protocol.api.v1.EscrowJobView;
import io.cairn.protocol.api.v1.GrantLicence;
import io.cairn.protocol.api.v1.LedgerEventView;
import io.cairn.protocol.api.v1.LedgerInfo;
import io.cairn.protocol.api.v1.LedgerReceipt;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.api.v1.LicenceList;
import io.cairn.protocol.api.v1.LicenceView;
import io.cairn.protocol.api.v1.Mint;
import io.cairn.protocol.api.v1.ProductList;
import io.cairn.protocol.api.v1.ProductTerms;
import io.cairn.protocol.api.v1.ProductView;
import io.cairn.protocol.api.v1.ReportRoundView;
import io.cairn.protocol.api.v1.RevokeLicence;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.api.v1.TokenAccount;
import io.cairn.protocol.api.v1.TokenTransfer;
import io.cairn.protocol.event.EvmSigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.ledger.LedgerRequests;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded ledger through one node: the token, the market and the escrow. Reads need nothing;
 * every change is a {@link LedgerRequest} built here, signed here with the signer's key ({@link
 * LedgerRequests#sign}, the key never leaves this process) and sent to {@code POST
 * /api/v1/ledger/requests}. A refusal is a {@link CairnApiException} with the ledger's code ({@code
 * INSUFFICIENT_BALANCE}, {@code PRODUCT_NOT_FOUND}, ...), and then nothing changed.
 *
 * <p>Each request names the ledger ({@code GET /api/v1/ledger}, asked once) and a nonce above the
 * signer's last: the greater of the account's nonce on the node plus one and the time in
 * microseconds, so that requests from several processes of one signer rarely collide. Obtain one
 * with {@link CairnClient#ledger()} (reads only) or {@link CairnClient#ledger(EvmSigner)}.
 *
 * <p>A node whose ledger is on a chain ({@link LedgerInfo#getBackend()} {@code "chain"}) takes no
 * signed requests: its operations are transactions to the contracts, which a client signs and sends
 * itself through {@link #sendingTo}; reads still go through the node.
 */
public final class LedgerClient {
  private final CairnClient client;
  private final Optional<EvmSigner> signer;
  private final Optional<Transactions> transactions;
  private final AtomicLong lastNonce = new AtomicLong();
  private volatile String ledgerId;

  LedgerClient(CairnClient client, Optional<EvmSigner> signer) {
    this(client, signer, Optional.empty());
  }

  private LedgerClient(
      CairnClient client, Optional<EvmSigner> signer, Optional<Transactions> transactions) {
    this.client = client;
    this.signer = signer;
    this.transactions = transactions;
  }

  /**
   * Carries out one operation as a transaction to the contracts of a ledger on a chain, signed in
   * this process; answers its events as the node's receipt gives them, or throws the contract's
   * refusal.
   */
  @FunctionalInterface
  public interface Transactions {
    LedgerReceipt send(LedgerRequest operation);
  }

  /**
   * This client with every operation ({@link #transfer}, {@link #buy}, ... and {@link
   * #submit(LedgerRequest.Builder)}) sent through {@code transactions} instead of the node; reads
   * still ask the node.
   */
  public LedgerClient sendingTo(Transactions transactions) {
    return new LedgerClient(client, signer, Optional.of(transactions));
  }

  /** The ledger's id, operator and time. */
  public LedgerInfo info() {
    return client.get("/api/v1/ledger", LedgerInfo.newBuilder());
  }

  /** The id every request to this ledger names; asked of the node once. */
  public String ledgerId() {
    String id = ledgerId;
    if (id == null) {
      id = info().getLedgerId();
      ledgerId = id;
    }
    return id;
  }

  // ---- the token ----

  /** An account's balance and the last nonce it used. */
  public TokenAccount account(EthereumAddress address) {
    return client.get("/api/v1/ledger/accounts/" + address.value(), TokenAccount.newBuilder());
  }

  public BigInteger balance(EthereumAddress address) {
    return new BigInteger(account(address).getBalance());
  }

  /** The signer's balance. */
  public BigInteger balance() {
    return balance(signer().address());
  }

  public LedgerReceipt transfer(EthereumAddress to, BigInteger amount) {
    return submit(
        LedgerRequest.newBuilder()
            .setTransfer(
                TokenTransfer.newBuilder().setTo(to.value()).setAmount(amount.toString())));
  }

  /** New tokens for {@code to}; the ledger takes it only from its operator. */
  public LedgerReceipt mint(EthereumAddress to, BigInteger amount) {
    return submit(
        LedgerRequest.newBuilder()
            .setMint(Mint.newBuilder().setTo(to.value()).setAmount(amount.toString())));
  }

  // ---- the market ----

  /** A new product owned by the signer; answers it with the id the market gave it. */
  public ProductView createProduct(ProductTerms terms) {
    LedgerEventView created =
        only(
            submit(
                LedgerRequest.newBuilder()
                    .setCreateProduct(CreateProduct.newBuilder().setTerms(terms))),
            "ProductCreated");
    return ProductView.newBuilder()
        .setProductId(created.getProductId())
        .setOwner(created.getOwner())
        .setTerms(created.getTerms())
        .build();
  }

  /** Every product, in order of creation. */
  public List<ProductView> products() {
    return client
        .<ProductList>get("/api/v1/market/products", ProductList.newBuilder())
        .getProductsList();
  }

  public ProductView product(long productId) {
    return client.get("/api/v1/market/products/" + productId, ProductView.newBuilder());
  }

  /**
   * Buys {@code seconds} of licence to the product for the signer: an active licence is extended
   * from its end, otherwise one of at least the product's minimum starts now. Answers the licence
   * with its new end.
   */
  public LicenceView buy(long productId, long seconds) {
    return licence(
        submit(
            LedgerRequest.newBuilder()
                .setBuy(BuyLicence.newBuilder().setProductId(productId).setSeconds(seconds))));
  }

  /** Every licence {@code buyer} ever had, with its end and whether it is active now. */
  public List<LicenceView> licences(EthereumAddress buyer) {
    return client
        .<LicenceList>get("/api/v1/market/licences/" + buyer.value(), LicenceList.newBuilder())
        .getLicencesList();
  }

  /** The product's owner gives {@code buyer} {@code seconds} of licence, without payment. */
  public LicenceView grantLicence(long productId, EthereumAddress buyer, long seconds) {
    return licence(
        submit(
            LedgerRequest.newBuilder()
                .setGrantLicence(
                    GrantLicence.newBuilder()
                        .setProductId(productId)
                        .setBuyer(buyer.value())
                        .setSeconds(seconds))));
  }

  /** The product's owner ends {@code buyer}'s licence now. */
  public LicenceView revokeLicence(long productId, EthereumAddress buyer) {
    LedgerEventView revoked =
        only(
            submit(
                LedgerRequest.newBuilder()
                    .setRevokeLicence(
                        RevokeLicence.newBuilder()
                            .setProductId(productId)
                            .setBuyer(buyer.value()))),
            "LicenceRevoked");
    return LicenceView.newBuilder()
        .setProductId(revoked.getProductId())
        .setBuyer(revoked.getBuyer())
        .setEndsAt(revoked.getEndedAt())
        .setActive(false)
        .build();
  }

  // ---- the escrow and the checksum reports ----

  /** Adds {@code amount} of the signer's tokens to the job's escrow; answers the job after it. */
  public EscrowJobView deposit(Bytes32 jobId, BigInteger amount) {
    submit(
        LedgerRequest.newBuilder()
            .setDeposit(
                EscrowDeposit.newBuilder()
                    .setJobId(jobId.toString())
                    .setAmount(amount.toString())));
    return escrowJob(jobId);
  }

  /**
   * Adds {@code amount} of the signer's tokens to its stake as a storage provider; answers the
   * receipt, whose {@code Staked} event holds the stake after it.
   */
  public LedgerReceipt stake(BigInteger amount) {
    return submit(
        LedgerRequest.newBuilder()
            .setStake(io.cairn.protocol.api.v1.Stake.newBuilder().setAmount(amount.toString())));
  }

  /** The job's escrow; {@code JOB_NOT_FOUND} when nobody deposited to it. */
  public EscrowJobView escrowJob(Bytes32 jobId) {
    return client.get("/api/v1/escrow/jobs/" + jobId, EscrowJobView.newBuilder());
  }

  /** A stream partition's report round; {@code ROUND_NOT_FOUND} when none was opened. */
  public ReportRoundView reportRound(String streamId, int partition, long interval) {
    return client.get(
        "/api/v1/reports/rounds?stream="
            + URLEncoder.encode(streamId, StandardCharsets.UTF_8)
            + "&partition="
            + partition
            + "&interval="
            + interval,
        ReportRoundView.newBuilder());
  }

  // ---- signed requests ----

  /**
   * Signs {@code request} (any operation of {@link LedgerRequest}), naming this ledger and a fresh
   * nonce where it names none; what it names itself (another ledger, an expiry) is kept.
   */
  public SignedLedgerRequest sign(LedgerRequest.Builder request) {
    EvmSigner key = signer();
    LedgerRequest.Builder named = request.clone();
    if (named.getLedgerId().isEmpty()) {
      named.setLedgerId(ledgerId());
    }
    if (named.getNonce() == 0) {
      named.setNonce(nextNonce(key.address()));
    }
    return LedgerRequests.sign(key, named.build());
  }

  /** Sends a request signed before; answers what it caused, or throws the ledger's refusal. */
  public LedgerReceipt submit(SignedLedgerRequest signed) {
    return client.post("/api/v1/ledger/requests", signed, LedgerReceipt.newBuilder());
  }

  /**
   * {@link #sign} then {@link #submit(SignedLedgerRequest)}; through the {@link Transactions} of
   * {@link #sendingTo}, if any, instead.
   */
  public LedgerReceipt submit(LedgerRequest.Builder request) {
    if (transactions.isPresent()) {
      return transactions.get().send(request.build());
    }
    return submit(sign(request));
  }

  private long nextNonce(EthereumAddress address) {
    long onTheNode = account(address).getNonce() + 1;
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    return lastNonce.updateAndGet(last -> Math.max(Math.max(last + 1, onTheNode), micros));
  }

  private EvmSigner signer() {
    return signer.orElseThrow(
        () ->
            new IllegalStateException(
                "this ledger client signs nothing: obtain it with CairnClient.ledger(signer)"));
  }

  /** The licence a purchase or a grant extended, active until its new end. */
  private static LicenceView licence(LedgerReceipt receipt) {
    LedgerEventView extended = only(receipt, "LicenceExtended");
    return LicenceView.newBuilder()
        .setProductId(extended.getProductId())
        .setBuyer(extended.getBuyer())
        .setEndsAt(extended.getEndsAt())
        .setActive(receipt.getAt() < extended.getEndsAt())
        .build();
  }

  private static LedgerEventView only(LedgerReceipt receipt, String kind) {
    return receipt.getEventsList().stream()
        .filter(event -> event.getKind().equals(kind))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the node's receipt holds no " + kind + " event: " + receipt));
  }
}
