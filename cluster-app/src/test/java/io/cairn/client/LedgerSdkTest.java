package io.cairn.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.node.TestNode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.api.v1.LedgerEventView;
import io.cairn.protocol.api.v1.LedgerReceipt;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.api.v1.LicenceView;
import io.cairn.protocol.api.v1.ProductTerms;
import io.cairn.protocol.api.v1.ProductView;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.api.v1.TokenTransfer;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SDK's ledger calls against a real node: a seller's product over its stream, tokens
 * minted by the operator (the node's service key), a purchase that becomes the buyer's subscribe
 * permission, and every refusal of a signed request with its code, each leaving balances as they
 * were.
 */
class LedgerSdkTest {
  private static final Bytes32 NO_TERMS = Bytes32.ZERO;

  @TempDir static Path data;
  private static TestNode node;
  private static CairnClient client;
  private static PrivateKeySigner operator;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    client = CairnClient.connect(node.api());
    // a node on the embedded journal makes its service key here; the ledger's operator
    operator =
        PrivateKeySigner.fromHex(
            Files.readString(data.resolve("keys/service.key"), StandardCharsets.US_ASCII).strip());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static ProductTerms terms(
      String stream, long pricePerSecond, long minimumSeconds, EthereumAddress beneficiary) {
    return ProductTerms.newBuilder()
        .addStreams(stream)
        .setPricePerSecond(Long.toString(pricePerSecond))
        .setMinimumSeconds(minimumSeconds)
        .setTermsHash(NO_TERMS.toString())
        .addBeneficiaries(Beneficiary.newBuilder().setAddress(beneficiary.value()).setShares(1))
        .build();
  }

  private static CairnApiException refused(int status, String code, Runnable request) {
    CairnApiException refused = assertThrows(CairnApiException.class, request::run);
    assertEquals(code, refused.code(), refused.getMessage());
    assertEquals(status, refused.status(), refused.getMessage());
    return refused;
  }

  @Test
  void aPurchaseBecomesTheBuyersSubscribePermission() {
    PrivateKeySigner seller = PrivateKeySigner.generate();
    PrivateKeySigner buyer = PrivateKeySigner.generate();
    String stream = seller.address() + "/weather";
    client.authenticate(seller).createStream(stream, "hourly readings", 1);
    LedgerClient sellerLedger = client.ledger(seller);
    LedgerClient buyerLedger = client.ledger(buyer);

    assertEquals("embedded:" + operator.address(), client.ledger().info().getLedgerId());
    assertEquals(operator.address().value(), client.ledger().info().getOperator());

    ProductView product = sellerLedger.createProduct(terms(stream, 2, 60, seller.address()));
    assertEquals(seller.address().value(), product.getOwner());
    assertEquals(product, client.ledger().product(product.getProductId()));
    assertTrue(client.ledger().products().contains(product), "listed");

    LedgerReceipt minted = client.ledger(operator).mint(buyer.address(), BigInteger.valueOf(1000));
    assertEquals(List.of("Transfer"), kinds(minted), "no nonce record in the receipt");
    assertEquals(BigInteger.valueOf(1000), buyerLedger.balance());

    long before = Instant.now().getEpochSecond();
    LicenceView licence = buyerLedger.buy(product.getProductId(), 100);
    assertTrue(licence.getActive());
    assertTrue(licence.getEndsAt() >= before + 100, "ends 100 s after the purchase");
    assertEquals(BigInteger.valueOf(800), buyerLedger.balance());
    assertEquals(BigInteger.valueOf(200), sellerLedger.balance());
    assertEquals(List.of(licence), client.ledger().licences(buyer.address()));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client.stream(stream).getPermissionsList().stream()
                    .anyMatch(
                        holder ->
                            holder.getAddress().equals(buyer.address().value())
                                && holder.getPermissionsList().contains("subscribe")));

    // extending an active licence adds to its end
    LicenceView extended = buyerLedger.buy(product.getProductId(), 10);
    assertEquals(licence.getEndsAt() + 10, extended.getEndsAt());
    assertEquals(BigInteger.valueOf(780), buyerLedger.balance());
  }

  @Test
  void everyRefusedRequestChangesNothing() {
    PrivateKeySigner seller = PrivateKeySigner.generate();
    PrivateKeySigner buyer = PrivateKeySigner.generate();
    LedgerClient buyerLedger = client.ledger(buyer);
    ProductView product =
        client
            .ledger(seller)
            .createProduct(terms(seller.address() + "/prices", 5, 60, seller.address()));
    long id = product.getProductId();
    client.ledger(operator).mint(buyer.address(), BigInteger.valueOf(500));

    refused(402, "INSUFFICIENT_BALANCE", () -> buyerLedger.buy(id, 101));
    refused(404, "PRODUCT_NOT_FOUND", () -> buyerLedger.buy(id + 1000, 100));
    refused(422, "BELOW_MINIMUM_SECONDS", () -> buyerLedger.buy(id, 59));
    refused(
        403,
        "NOT_PERMITTED",
        () -> buyerLedger.mint(buyer.address(), BigInteger.valueOf(1_000_000)));
    assertEquals(BigInteger.valueOf(500), buyerLedger.balance());
    assertEquals(List.of(), client.ledger().licences(buyer.address()));

    // the same signed request twice: carried out once
    SignedLedgerRequest transfer = buyerLedger.sign(transfer(seller.address(), 7));
    buyerLedger.submit(transfer);
    refused(409, "REPLAYED_REQUEST", () -> buyerLedger.submit(transfer));
    assertEquals(BigInteger.valueOf(493), buyerLedger.balance());
    // a nonce not above the signer's last is a replay too
    long last = buyerLedger.account(buyer.address()).getNonce();
    refused(
        409,
        "REPLAYED_REQUEST",
        () -> buyerLedger.submit(transfer(seller.address(), 7).setNonce(last)));

    refused(
        422,
        "WRONG_CHAIN",
        () ->
            buyerLedger.submit(
                transfer(seller.address(), 7).setLedgerId("embedded:" + buyer.address())));
    refused(
        401,
        "PERMIT_EXPIRED",
        () ->
            buyerLedger.submit(
                transfer(seller.address(), 7).setExpiresAt(Instant.now().getEpochSecond() - 10)));
    refused(
        402,
        "INSUFFICIENT_BALANCE",
        () -> buyerLedger.transfer(seller.address(), BigInteger.valueOf(494)));
    assertEquals(BigInteger.valueOf(493), buyerLedger.balance());
    assertEquals(last, buyerLedger.account(buyer.address()).getNonce(), "no nonce used since");
  }

  @Test
  void aDepositIsHeldInEscrowForItsSupporter() {
    PrivateKeySigner supporter = PrivateKeySigner.generate();
    Bytes32 job =
        Bytes32.parse("0x" + supporter.address().value().substring(2) + "00".repeat(12), "job");
    client.ledger(operator).mint(supporter.address(), BigInteger.valueOf(50));
    refused(404, "JOB_NOT_FOUND", () -> client.ledger().escrowJob(job));

    var held = client.ledger(supporter).deposit(job, BigInteger.valueOf(30));
    assertEquals(supporter.address().value(), held.getSupporter());
    assertEquals("30", held.getBalance());
    assertEquals("30", held.getDeposited());
    assertEquals(BigInteger.valueOf(20), client.ledger(supporter).balance());
    PrivateKeySigner other = PrivateKeySigner.generate();
    client.ledger(operator).mint(other.address(), BigInteger.valueOf(5));
    refused(403, "NOT_PERMITTED", () -> client.ledger(other).deposit(job, BigInteger.valueOf(5)));
    assertEquals(held, client.ledger().escrowJob(job));
  }

  private static LedgerRequest.Builder transfer(EthereumAddress to, long amount) {
    return LedgerRequest.newBuilder()
        .setTransfer(TokenTransfer.newBuilder().setTo(to.value()).setAmount(Long.toString(amount)));
  }

  private static List<String> kinds(LedgerReceipt receipt) {
    return receipt.getEventsList().stream().map(LedgerEventView::getKind).toList();
  }
}
