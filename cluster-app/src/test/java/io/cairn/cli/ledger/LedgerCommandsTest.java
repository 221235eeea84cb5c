package io.cairn.cli.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.client.CairnClient;
import io.cairn.node.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn token | market | escrow against a real node, with the exit codes of every command. */
class LedgerCommandsTest {
  @TempDir static Path data;
  private static TestNode node;
  private static String operatorKey;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    operatorKey =
        Files.readString(data.resolve("keys/service.key"), StandardCharsets.US_ASCII).strip();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static CairnCommandLine.Result cairn(String... args) {
    return CairnCommandLine.against(node.api(), args);
  }

  private static JsonObject ok(CairnCommandLine.Result result) {
    assertEquals(0, result.exitCode(), result.err());
    assertEquals("", result.err());
    return JsonParser.parseString(result.out().strip()).getAsJsonObject();
  }

  private static List<JsonObject> lines(CairnCommandLine.Result result) {
    assertEquals(0, result.exitCode(), result.err());
    return result
        .out()
        .strip()
        .lines()
        .filter(line -> !line.isEmpty())
        .map(line -> JsonParser.parseString(line).getAsJsonObject())
        .toList();
  }

  private static void refused(String code, CairnCommandLine.Result result) {
    assertEquals(3, result.exitCode(), result.out() + result.err());
    assertTrue(result.err().startsWith("cairn: the node refused: " + code + ": "), result.err());
  }

  private static void usage(CairnCommandLine.Result result) {
    assertEquals(2, result.exitCode(), result.out() + result.err());
    assertTrue(result.err().startsWith("cairn: "), result.err());
  }

  @Test
  void aSellerOffersABuyerBuysAndTheLicenceIsListed() {
    PrivateKeySigner seller = PrivateKeySigner.generate();
    PrivateKeySigner buyer = PrivateKeySigner.generate();
    String sellerAddress = seller.address().value();
    String buyerAddress = buyer.address().value();
    String stream = sellerAddress + "/ticks";
    CairnClient.connect(node.api()).authenticate(seller).createStream(stream, "", 1);

    JsonObject product =
        ok(
            cairn(
                "market",
                "create",
                "--stream",
                stream,
                "--price-per-second",
                "3",
                "--min-seconds",
                "60",
                "--key",
                seller.toHex()));
    String productId = product.get("productId").getAsString();
    assertEquals(sellerAddress, product.get("owner").getAsString());
    JsonObject terms = product.getAsJsonObject("terms");
    assertEquals(stream, terms.getAsJsonArray("streams").get(0).getAsString());
    assertEquals(
        sellerAddress,
        terms.getAsJsonArray("beneficiaries").get(0).getAsJsonObject().get("address").getAsString(),
        "the seller is paid by default");
    assertEquals(product, ok(cairn("market", "show", productId)));
    assertTrue(lines(cairn("market", "list")).contains(product));

    JsonObject minted = ok(cairn("token", "mint", buyerAddress, "1000", "--key", operatorKey));
    assertEquals(
        "Transfer",
        minted.getAsJsonArray("events").get(0).getAsJsonObject().get("kind").getAsString());
    refused("NOT_PERMITTED", cairn("token", "mint", buyerAddress, "1000", "--key", buyer.toHex()));
    assertEquals("1000", ok(cairn("token", "balance", buyerAddress)).get("balance").getAsString());

    JsonObject licence =
        ok(cairn("market", "buy", productId, "--seconds", "100", "--key", buyer.toHex()));
    assertEquals(productId, licence.get("productId").getAsString());
    assertEquals(buyerAddress, licence.get("buyer").getAsString());
    assertTrue(licence.get("active").getAsBoolean());
    assertEquals(List.of(licence), lines(cairn("market", "licences", "--key", buyer.toHex())));
    assertEquals(List.of(licence), lines(cairn("market", "licences", buyerAddress)));
    JsonObject account = ok(cairn("token", "balance", "--key", buyer.toHex()));
    assertEquals("700", account.get("balance").getAsString());
    assertTrue(account.has("nonce"), account.toString());
    assertEquals("300", ok(cairn("token", "balance", sellerAddress)).get("balance").getAsString());

    refused(
        "BELOW_MINIMUM_SECONDS",
        cairn("market", "buy", productId, "--seconds", "10", "--key", seller.toHex()));
    refused(
        "INSUFFICIENT_BALANCE",
        cairn("market", "buy", productId, "--seconds", "1000", "--key", buyer.toHex()));
    refused("PRODUCT_NOT_FOUND", cairn("market", "show", "999"));

    JsonObject sent = ok(cairn("token", "transfer", sellerAddress, "5", "--key", buyer.toHex()));
    JsonObject transfer = sent.getAsJsonArray("events").get(0).getAsJsonObject();
    assertEquals(buyerAddress, transfer.get("from").getAsString());
    assertEquals("5", transfer.get("amount").getAsString());
    assertEquals("695", ok(cairn("token", "balance", buyerAddress)).get("balance").getAsString());

    PrivateKeySigner guest = PrivateKeySigner.generate();
    String guestAddress = guest.address().value();
    JsonObject granted =
        ok(
            cairn(
                "market",
                "grant",
                productId,
                guestAddress,
                "--seconds",
                "60",
                "--key",
                seller.toHex()));
    assertTrue(granted.get("active").getAsBoolean());
    refused(
        "NOT_PERMITTED",
        cairn("market", "revoke", productId, guestAddress, "--key", buyer.toHex()));
    JsonObject revoked =
        ok(cairn("market", "revoke", productId, guestAddress, "--key", seller.toHex()));
    assertFalse(revoked.has("active") && revoked.get("active").getAsBoolean(), revoked.toString());
  }

  @Test
  void aDepositIsShownAsItsJob() {
    PrivateKeySigner supporter = PrivateKeySigner.generate();
    String job = "0x" + "c4".repeat(32);
    refused("JOB_NOT_FOUND", cairn("escrow", "show", job));
    ok(cairn("token", "mint", supporter.address().value(), "80", "--key", operatorKey));
    JsonObject held = ok(cairn("escrow", "deposit", job, "50", "--key", supporter.toHex()));
    assertEquals(job, held.get("jobId").getAsString());
    assertEquals(supporter.address().value(), held.get("supporter").getAsString());
    assertEquals("50", held.get("balance").getAsString());
    assertEquals(held, ok(cairn("escrow", "show", job)));
    refused(
        "INSUFFICIENT_BALANCE", cairn("escrow", "deposit", job, "31", "--key", supporter.toHex()));
  }

  @Test
  void malformedArgumentsAreUsageMistakesAndAnUnreachableNodeALocalProblem() {
    String key = PrivateKeySigner.generate().toHex();
    String someone = PrivateKeySigner.generate().address().value();
    usage(cairn("token", "transfer", "nobody", "5", "--key", key));
    usage(cairn("token", "transfer", someone, "-5", "--key", key));
    usage(cairn("token", "transfer", someone, "1.5", "--key", key));
    usage(cairn("token", "transfer", someone, "5"));
    usage(cairn("token", "balance"));
    usage(cairn("market", "show", "first"));
    usage(cairn("market", "buy", "1", "--key", key));
    usage(cairn("market", "create", "--price-per-second", "1", "--min-seconds", "1", "--key", key));
    usage(
        cairn(
            "market",
            "create",
            "--stream",
            someone + "/s",
            "--price-per-second",
            "1",
            "--min-seconds",
            "1",
            "--beneficiary",
            someone + ":0",
            "--key",
            key));
    usage(cairn("escrow", "show", "0x12"));
    CairnCommandLine.Result chainOnAnEmbeddedNode =
        cairn("token", "transfer", someone, "5", "--key", key, "--chain", "http://127.0.0.1:1");
    usage(chainOnAnEmbeddedNode);
    assertTrue(
        chainOnAnEmbeddedNode.err().contains("--chain: the node's ledger is embedded"),
        chainOnAnEmbeddedNode.err());
    usage(cairn("market", "licences", "0xABC"));

    CairnCommandLine.Result unreachable =
        CairnCommandLine.run("token", "balance", someone, "--node", "127.0.0.1:1");
    assertEquals(1, unreachable.exitCode(), unreachable.err());
    assertTrue(unreachable.err().startsWith("cairn: cannot reach"), unreachable.err());
  }
}
