package io.cairn.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.TestDatabases;
import io.cairn.node.TestNode;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.AddressPermissions;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.api.v1.LicenceView;
import io.cairn.protocol.api.v1.ProductTerms;
import io.cairn.protocol.api.v1.ProductView;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.PrivateKeySigner;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid stream end to end on three nodes and PostgreSQL, through the public API only: a seller
 * lists an encrypted stream, two buyers buy a short licence on other nodes and read its stored and
 * live events; one licence lapses, the stream's key rotates, and what is published afterwards is
 * unreadable to that buyer (no events, no key) while the buyer who extended in time reads it.
 */
class PaidStreamClusterTest {
  private static final Duration LAPSE_WITHIN = Duration.ofSeconds(60);

  @TempDir Path data;

  @Test
  void aLapsedBuyerLosesNewEventsAndAnExtendingBuyerKeepsReading() throws Exception {
    try (ClusterNodes cluster =
        ClusterNodes.start(3, TestNode.wholeNodes(TestDatabases.postgres(), data, Map.of()))) {
      PrivateKeySigner sellerKey = PrivateKeySigner.generate();
      PrivateKeySigner buyerKey = PrivateKeySigner.generate();
      PrivateKeySigner extenderKey = PrivateKeySigner.generate();
      PrivateKeySigner operatorKey =
          PrivateKeySigner.fromHex(Files.readString(data.resolve("service.key")).strip());
      String stream = sellerKey.address() + "/paid";

      CairnClient seller = client(cluster, 0).authenticate(sellerKey);
      seller.createStream(stream, "paid ticks", 1);
      seller.appointCustodian(stream);
      GroupKeyExchange sellerKeys = new GroupKeyExchange(seller, sellerKey, 2048);
      EventPublisher publisher = new EventPublisher(seller, sellerKey);
      publisher.publishEncryptedJson(stream, 0, "{\"tick\":1}", sellerKeys.current(stream));

      LedgerClient operator = client(cluster, 1).ledger(operatorKey);
      operator.mint(buyerKey.address(), BigInteger.valueOf(1_000));
      operator.mint(extenderKey.address(), BigInteger.valueOf(1_000));
      ProductView product =
          client(cluster, 0)
              .ledger(sellerKey)
              .createProduct(
                  ProductTerms.newBuilder()
                      .addStreams(stream)
                      .setPricePerSecond("1")
                      .setMinimumSeconds(1)
                      .setTermsHash("0x" + "00".repeat(32))
                      .addBeneficiaries(
                          Beneficiary.newBuilder()
                              .setAddress(sellerKey.address().value())
                              .setShares(1))
                      .build());

      CairnClient buyer = client(cluster, 2).authenticate(buyerKey);
      CairnClient extender = client(cluster, 1).authenticate(extenderKey);
      // long enough to be granted and read on a loaded machine, short enough to wait out
      LicenceView bought = buyer.ledger(buyerKey).buy(product.getProductId(), 20);
      extender.ledger(extenderKey).buy(product.getProductId(), 8);
      LicenceView extended = extender.ledger(extenderKey).buy(product.getProductId(), 600);
      assertEquals(
          BigInteger.valueOf(1_000 - 8 - 600), extender.ledger().balance(extenderKey.address()));

      awaitSubscribeUntil(seller, stream, buyerKey.address(), bought.getEndsAt());
      awaitSubscribeUntil(seller, stream, extenderKey.address(), extended.getEndsAt());
      GroupKeyExchange buyerKeys = new GroupKeyExchange(buyer, buyerKey, 2048);
      assertEquals("{\"tick\":1}", readLast(buyer, stream, buyerKeys));

      // the buyer's licence lapses: subscribe ends, and the key rotates as after a revocation
      String keyBefore = seller.custodian(stream).getCurrentGroupKeyId();
      await()
          .atMost(LAPSE_WITHIN)
          .until(() -> !seller.custodian(stream).getCurrentGroupKeyId().equals(keyBefore));
      GroupKeyExchange extenderKeys = new GroupKeyExchange(extender, extenderKey, 2048);
      BlockingQueue<StreamMessage> live = new LinkedBlockingQueue<>();
      CountDownLatch subscribed = new CountDownLatch(1);
      extender
          .subscribe(stream, 0)
          .subscribe(
              new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                  subscription.request(Long.MAX_VALUE);
                  subscribed.countDown();
                }

                @Override
                public void onNext(StreamMessage event) {
                  live.add(event);
                }

                @Override
                public void onError(Throwable failure) {}

                @Override
                public void onComplete() {}
              });
      assertTrue(subscribed.await(30, TimeUnit.SECONDS));
      publisher.publishEncryptedJson(stream, 0, "{\"tick\":2}", sellerKeys.current(stream));
      StreamMessage liveEvent = live.poll(30, TimeUnit.SECONDS);
      assertEquals(
          "{\"tick\":2}",
          StreamEncryption.decryptContent(liveEvent, extenderKeys.lookup(stream))
              .message()
              .getContentMessage()
              .getContent()
              .toString(StandardCharsets.UTF_8),
          "the extending buyer reads the new event live");

      CairnApiException noEvents =
          assertThrows(
              CairnApiException.class, () -> buyer.storedEvents(stream, 0, "last?count=1"));
      assertEquals(ErrorCode.NOT_PERMITTED.name(), noEvents.code());
      String newKeyId = seller.custodian(stream).getCurrentGroupKeyId();
      CairnApiException noKey =
          assertThrows(CairnApiException.class, () -> buyerKeys.find(stream, newKeyId));
      assertEquals(ErrorCode.NOT_PERMITTED.name(), noKey.code());

      assertEquals("{\"tick\":2}", readLast(extender, stream, extenderKeys));
    }
  }

  private static CairnClient client(ClusterNodes cluster, int node) {
    return CairnClient.connect(TestNode.of(cluster.node(node)).api());
  }

  private static void awaitSubscribeUntil(
      CairnClient client, String stream, EthereumAddress reader, long endsAtSeconds) {
    await()
        .atMost(LAPSE_WITHIN)
        .until(
            () ->
                client.stream(stream).getPermissionsList().stream()
                    .filter(held -> held.getAddress().equals(reader.value()))
                    .map(AddressPermissions::getSubscribeExpiresAtMs)
                    .findFirst(),
            end -> end.equals(Optional.of(endsAtSeconds * 1000)));
  }

  private static String readLast(CairnClient reader, String stream, GroupKeyExchange keys) {
    List<StreamMessage> last = reader.storedEvents(stream, 0, "last?count=1");
    assertEquals(1, last.size());
    StreamMessage decrypted =
        StreamEncryption.decryptContent(last.get(0), keys.lookup(stream)).message();
    assertTrue(decrypted.hasContentMessage());
    return decrypted.getContentMessage().getContent().toString(StandardCharsets.UTF_8);
  }
}
