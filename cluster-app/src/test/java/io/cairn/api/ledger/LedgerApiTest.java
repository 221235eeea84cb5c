package io.cairn.api.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.node.TestNode;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.api.v1.CreateProduct;
import io.cairn.protocol.api.v1.EscrowDeposit;
import io.cairn.protocol.api.v1.FundReportPool;
import io.cairn.protocol.api.v1.LedgerRequest;
import io.cairn.protocol.api.v1.Mint;
import io.cairn.protocol.api.v1.OpenReportRound;
import io.cairn.protocol.api.v1.ProductTerms;
import io.cairn.protocol.api.v1.ReportRoundKey;
import io.cairn.protocol.api.v1.SignedLedgerRequest;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.LedgerRequests;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's HTTP routes as a client without the SDK sees them: signed requests as JSON (base64
 * bytes) and as binary protobuf, the answers' JSON, and a specific refusal for every bad input.
 */
class LedgerApiTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicLong NONCES = new AtomicLong(1);

  @TempDir static Path data;
  private static TestNode node;
  private static PrivateKeySigner operator;
  private static String ledgerId;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    operator =
        PrivateKeySigner.fromHex(
            Files.readString(data.resolve("keys/service.key"), StandardCharsets.US_ASCII).strip());
    JsonObject info = ok(get("/api/v1/ledger"));
    ledgerId = info.get("ledgerId").getAsString();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theLedgerNamesItselfItsOperatorAndItsTime() throws Exception {
    JsonObject info = ok(get("/api/v1/ledger"));
    assertEquals("embedded", info.get("backend").getAsString());
    assertEquals("embedded:" + operator.address(), info.get("ledgerId").getAsString());
    assertEquals(operator.address().value(), info.get("operator").getAsString());
    long time = info.get("time").getAsLong();
    assertTrue(Math.abs(time - Instant.now().getEpochSecond()) < 5, "the ledger's time: " + time);
  }

  @Test
  void aSignedRequestInJsonIsCarriedOutAndAnsweredWithItsEvents() throws Exception {
    PrivateKeySigner seller = PrivateKeySigner.generate();
    SignedLedgerRequest signed =
        sign(
            seller,
            LedgerRequest.newBuilder()
                .setCreateProduct(
                    CreateProduct.newBuilder()
                        .setTerms(
                            ProductTerms.newBuilder()
                                .addStreams(seller.address() + "/a")
                                .setPricePerSecond("3")
                                .setMinimumSeconds(10)
                                .setTermsHash("0x" + "00".repeat(32))
                                .addBeneficiaries(
                                    Beneficiary.newBuilder()
                                        .setAddress(seller.address().value())
                                        .setShares(1)))));
    String json =
        "{\"request\":\""
            + Base64.getEncoder().encodeToString(signed.getRequest().toByteArray())
            + "\",\"signature\":\""
            + Base64.getEncoder().encodeToString(signed.getSignature().toByteArray())
            + "\"}";
    JsonObject receipt = ok(post("/api/v1/ledger/requests", "application/json", json.getBytes()));
    JsonArray events = receipt.getAsJsonArray("events");
    assertEquals(1, events.size(), receipt.toString());
    JsonObject created = events.get(0).getAsJsonObject();
    assertEquals("ProductCreated", created.get("kind").getAsString());
    assertEquals(seller.address().value(), created.get("owner").getAsString());
    assertEquals("3", created.getAsJsonObject("terms").get("pricePerSecond").getAsString());
    String productId = created.get("productId").getAsString();

    JsonObject product = ok(get("/api/v1/market/products/" + productId));
    assertEquals(productId, product.get("productId").getAsString());
    assertEquals(created.get("terms"), product.get("terms"));
    assertTrue(
        ok(get("/api/v1/market/products")).getAsJsonArray("products").contains(product), "listed");
    JsonObject account = ok(get("/api/v1/ledger/accounts/" + seller.address()));
    assertEquals("0", account.get("balance").getAsString());
    assertEquals(
        Long.toUnsignedString(LedgerRequest.parseFrom(signed.getRequest()).getNonce()),
        account.get("nonce").getAsString());

    // the same request again, as binary protobuf: a replay
    HttpResponse<String> again =
        post("/api/v1/ledger/requests", "application/x-protobuf", signed.toByteArray());
    assertError(409, "REPLAYED_REQUEST", again);
  }

  @Test
  void escrowAndReportRoundsAreReadByTheirKeys() throws Exception {
    PrivateKeySigner supporter = PrivateKeySigner.generate();
    String job = "0x" + "5a".repeat(32);
    assertError(404, "JOB_NOT_FOUND", get("/api/v1/escrow/jobs/" + job));
    submit(operator, mint(supporter.address().value(), "100"));
    JsonObject receipt =
        submit(
            supporter,
            LedgerRequest.newBuilder()
                .setDeposit(EscrowDeposit.newBuilder().setJobId(job).setAmount("40")));
    assertEquals("Deposited", only(receipt).get("kind").getAsString());
    JsonObject held = ok(get("/api/v1/escrow/jobs/" + job));
    assertEquals(job, held.get("jobId").getAsString());
    assertEquals(supporter.address().value(), held.get("supporter").getAsString());
    assertEquals("40", held.get("balance").getAsString());
    assertEquals("40", held.get("deposited").getAsString());

    String stream = supporter.address() + "/reported";
    String query =
        "/api/v1/reports/rounds?stream="
            + URLEncoder.encode(stream, StandardCharsets.UTF_8)
            + "&partition=0&interval=7";
    assertError(404, "ROUND_NOT_FOUND", get(query));
    submit(operator, mint(operator.address().value(), "10"));
    submit(
        operator,
        LedgerRequest.newBuilder().setFundPool(FundReportPool.newBuilder().setAmount("10")));
    JsonObject opened =
        submit(
            operator,
            LedgerRequest.newBuilder()
                .setOpenRound(
                    OpenReportRound.newBuilder()
                        .setRound(
                            ReportRoundKey.newBuilder()
                                .setStreamId(stream)
                                .setPartition(0)
                                .setInterval(7))
                        .addReporters(supporter.address().value())
                        .setRewardPerReporter("2")));
    JsonObject event = only(opened);
    assertEquals("RoundOpened", event.get("kind").getAsString());
    JsonObject round = ok(get(query));
    assertEquals(event.get("roundId"), round.get("roundId"));
    assertEquals(stream, round.getAsJsonObject("round").get("streamId").getAsString());
    JsonArray reporters = round.getAsJsonArray("reporters");
    assertEquals(1, reporters.size(), round.toString());
    assertEquals(supporter.address().value(), reporters.get(0).getAsString());
    assertEquals("2", round.get("rewardPerReporter").getAsString());
    assertFalse(round.has("finalReport"), "nobody reported yet");
  }

  @Test
  void badInputIsRefusedWithItsOwnCode() throws Exception {
    assertError(400, "INVALID_ADDRESS", get("/api/v1/ledger/accounts/0x1234"));
    assertError(400, "INVALID_ADDRESS", get("/api/v1/market/licences/nobody"));
    assertError(400, "MALFORMED_REQUEST", get("/api/v1/market/products/first"));
    assertError(404, "PRODUCT_NOT_FOUND", get("/api/v1/market/products/999999"));
    assertError(400, "MALFORMED_REQUEST", get("/api/v1/escrow/jobs/0x12"));
    assertError(400, "MALFORMED_REQUEST", get("/api/v1/reports/rounds?stream=x&partition=0"));
    assertError(
        400,
        "INVALID_STREAM_ID",
        get("/api/v1/reports/rounds?stream=nostream&partition=0&interval=1"));

    String requests = "/api/v1/ledger/requests";
    assertError(400, "INVALID_LEDGER_REQUEST", post(requests, "application/json", "{}".getBytes()));
    assertError(
        400, "MALFORMED_REQUEST", post(requests, "application/json", "{\"req\":1}".getBytes()));
    assertError(415, "UNSUPPORTED_MEDIA_TYPE", post(requests, "text/plain", "x".getBytes()));
    SignedLedgerRequest forged =
        sign(operator, mint(operator.address().value(), "1")).toBuilder()
            .setSignature(com.google.protobuf.ByteString.copyFrom(new byte[65]))
            .build();
    assertError(
        422, "INVALID_SIGNATURE", post(requests, "application/x-protobuf", forged.toByteArray()));
    assertError(405, "METHOD_NOT_ALLOWED", get(requests));
  }

  private static LedgerRequest.Builder mint(String to, String amount) {
    return LedgerRequest.newBuilder().setMint(Mint.newBuilder().setTo(to).setAmount(amount));
  }

  private static SignedLedgerRequest sign(PrivateKeySigner signer, LedgerRequest.Builder request) {
    long nonce = Instant.now().toEpochMilli() * 1000 + NONCES.incrementAndGet();
    return LedgerRequests.sign(signer, request.setLedgerId(ledgerId).setNonce(nonce).build());
  }

  private static JsonObject submit(PrivateKeySigner signer, LedgerRequest.Builder request)
      throws Exception {
    return ok(
        post(
            "/api/v1/ledger/requests",
            "application/x-protobuf",
            sign(signer, request).toByteArray()));
  }

  private static JsonObject only(JsonObject receipt) {
    JsonArray events = receipt.getAsJsonArray("events");
    assertEquals(1, events.size(), receipt.toString());
    return events.get(0).getAsJsonObject();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(node.api().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String contentType, byte[] body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(node.api().resolve(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject ok(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private static void assertError(int status, String code, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        code,
        JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString(),
        response.body());
  }
}
