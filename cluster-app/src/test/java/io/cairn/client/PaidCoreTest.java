package io.cairn.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.node.TestNode;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.api.v1.ProductTerms;
import io.cairn.protocol.api.v1.ProductView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A core a product sells is read only with a licence (Dazaar's paid Hypercores); the rule holds for
 * a reader without a session, one without a licence, the buyer and the seller.
 */
class PaidCoreTest {
  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aSoldCoresBlocksNeedALicenceAndAFreeCoresDoNot() throws Exception {
    PrivateKeySigner seller = PrivateKeySigner.generate();
    PrivateKeySigner buyer = PrivateKeySigner.generate();
    PrivateKeySigner stranger = PrivateKeySigner.generate();
    CairnClient anonymous = CairnClient.connect(node.api());
    CoreWriter sold = CoreWriter.open(anonymous, CoreKeyPair.generate());
    sold.append("paid block".getBytes(StandardCharsets.UTF_8));
    CoreWriter free = CoreWriter.open(anonymous, CoreKeyPair.generate());
    free.append("free block".getBytes(StandardCharsets.UTF_8));

    PrivateKeySigner operator =
        PrivateKeySigner.fromHex(Files.readString(data.resolve("keys/service.key")).strip());
    anonymous.ledger(operator).mint(buyer.address(), BigInteger.valueOf(100));
    ProductView product =
        anonymous
            .ledger(seller)
            .createProduct(
                ProductTerms.newBuilder()
                    .addCores(HexFormat.of().formatHex(sold.key()))
                    .setPricePerSecond("1")
                    .setMinimumSeconds(10)
                    .setTermsHash("0x" + "00".repeat(32))
                    .addBeneficiaries(
                        Beneficiary.newBuilder().setAddress(seller.address().value()).setShares(1))
                    .build());

    assertArrayEquals(
        "free block".getBytes(StandardCharsets.UTF_8),
        CoreReader.open(anonymous, free.key()).get(0),
        "a core nobody sells is read by anyone");
    CairnClient buyerClient = CairnClient.connect(node.api()).authenticate(buyer);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> refused(anonymous, sold.key()) == ErrorCode.UNAUTHENTICATED);
    assertEquals(
        ErrorCode.NOT_PERMITTED,
        refused(CairnClient.connect(node.api()).authenticate(stranger), sold.key()));
    assertEquals(ErrorCode.NOT_PERMITTED, refused(buyerClient, sold.key()));

    buyerClient.ledger(buyer).buy(product.getProductId(), 10);
    assertArrayEquals(
        "paid block".getBytes(StandardCharsets.UTF_8),
        CoreReader.open(buyerClient, sold.key()).get(0));
    assertArrayEquals(
        "paid block".getBytes(StandardCharsets.UTF_8),
        CoreReader.open(CairnClient.connect(node.api()).authenticate(seller), sold.key()).get(0),
        "the seller reads what it sells");
  }

  private static ErrorCode refused(CairnClient client, byte[] core) {
    CairnApiException refusal =
        assertThrows(CairnApiException.class, () -> CoreReader.open(client, core).get(0));
    return ErrorCode.valueOf(refusal.code());
  }
}
