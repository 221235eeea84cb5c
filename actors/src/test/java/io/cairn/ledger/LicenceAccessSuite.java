package io.cairn.ledger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cluster.ClusterNodes;
import io.cairn.cluster.ServiceIdentity;
import io.cairn.journal.JournalSettings;
import io.cairn.keys.KeyCustodian;
import io.cairn.keys.KeySettings;
import io.cairn.keys.KeysModule;
import io.cairn.protocol.encryption.MasterKey;
import io.cairn.protocol.event.AddressRecoveries;
import io.cairn.protocol.event.EventVerifier;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import io.cairn.protocol.stream.Permission;
import io.cairn.stream.Stream;
import io.cairn.stream.StreamModule;
import io.cairn.stream.StreamSettings;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pay → grant → expire → rotate on the embedded ledger and a real journal: a purchase gives the
 * buyer subscribe on the product's stream until the licence ends, the end takes it away and rotates
 * the stream's group key, an extension before the end changes nothing for the reader, and a node
 * that dies right after a purchase grants it when it is back. Each database runs it through a
 * subclass.
 */
abstract class LicenceAccessSuite {
  private static final StreamSettings STREAMS =
      new StreamSettings(
          100,
          4096,
          100,
          Duration.ofSeconds(5),
          1024 * 1024,
          Duration.ofSeconds(1),
          10_000,
          100,
          Duration.ofSeconds(60));
  private static final KeySettings KEYS =
      new KeySettings(Duration.ofSeconds(10), 100, Duration.ofSeconds(60));
  private static final LedgerSettings LEDGER =
      new LedgerSettings(
          Duration.ofSeconds(10), 100, 9000, LedgerConformanceSuite.UNBONDING_SECONDS);
  private static final Duration GRANTED_WITHIN = Duration.ofSeconds(60);

  private final PrivateKeySigner operator = PrivateKeySigner.generate();
  private final ServiceIdentity service = ServiceIdentity.of(operator);
  private final MasterKey master = MasterKey.generate();
  private final PrivateKeySigner seller = PrivateKeySigner.generate();
  private final PrivateKeySigner buyer = PrivateKeySigner.generate();
  private final PrivateKeySigner extender = PrivateKeySigner.generate();
  private final String streamId = seller.address() + "/paid";
  private ClusterNodes cluster;
  private StreamModule streams;
  private KeysModule keys;
  private EmbeddedLedger ledger;

  protected abstract JournalSettings journal();

  private void startNode() throws Exception {
    cluster = ClusterNodes.start(1, journal());
    ActorSystem<?> system = cluster.node(0).system();
    streams = StreamModule.init(system, STREAMS, EventVerifier.standard());
    keys = KeysModule.init(system, KEYS, () -> new KeysModule.Custody(service, master));
    ledger =
        LedgerModule.init(
                system,
                LEDGER,
                operator.address(),
                AddressRecoveries.preferred(),
                Clock.systemUTC(),
                streams.streams())
            .embedded()
            .orElseThrow();
  }

  @AfterEach
  void stopNode() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Test
  void aLicenceGivesSubscribeUntilItsEndThenTheKeyRotatesAndAnExtensionKeepsReading()
      throws Exception {
    startNode();
    Product product = listedStream();
    submit(buyer, new LedgerOperation.Buy(product.id(), 4));
    long firstEnd = submitBuy(extender, product, 3);
    long extendedEnd = submitBuy(extender, product, 600);
    assertEquals(firstEnd + 600, extendedEnd);
    long buyerEnd = ledgerLicence(product, buyer).endsAt();

    Stream.State granted = awaitSubscriber(buyer, Instant.ofEpochSecond(buyerEnd));
    assertTrue(
        granted.may(buyer.address(), Permission.SUBSCRIBE, Instant.ofEpochSecond(buyerEnd - 1)));
    assertFalse(
        granted.may(buyer.address(), Permission.SUBSCRIBE, Instant.ofEpochSecond(buyerEnd)));
    awaitSubscriber(extender, Instant.ofEpochSecond(extendedEnd));
    int keysBefore = get(keys.custodians().info(streamId)).groupKeys();

    await()
        .atMost(GRANTED_WITHIN)
        .until(
            () -> !get(streams.streams().get(streamId)).may(buyer.address(), Permission.SUBSCRIBE));
    KeyCustodian.Info rotated =
        await()
            .atMost(GRANTED_WITHIN)
            .until(
                () -> get(keys.custodians().info(streamId)),
                info -> info.groupKeys() == keysBefore + 1);
    assertTrue(rotated.rotatedAfterRevoke() > 0, "the end rotated the key as a revocation does");
    Stream.State after = get(streams.streams().get(streamId));
    assertTrue(
        after.may(extender.address(), Permission.SUBSCRIBE, Instant.now()),
        "the extended licence still reads past its first end");
    assertEquals(
        Optional.of(Instant.ofEpochSecond(extendedEnd)),
        after.access().expiry(extender.address(), Permission.SUBSCRIBE));
  }

  @Test
  void aPurchaseAcknowledgedJustBeforeTheNodeDiesIsGrantedWhenItIsBack() throws Exception {
    startNode();
    Product product = listedStream();
    long end = submitBuy(buyer, product, 600);
    cluster.close();
    cluster = null;

    startNode();
    awaitSubscriber(buyer, Instant.ofEpochSecond(end));
    assertEquals(BigInteger.valueOf(400), get(ledger.balanceOf(buyer.address())));
  }

  @Test
  void theOwnersRevocationEndsTheAccessAtOnce() throws Exception {
    startNode();
    Product product = listedStream();
    long end = submitBuy(buyer, product, 600);
    awaitSubscriber(buyer, Instant.ofEpochSecond(end));
    submit(seller, new LedgerOperation.RevokeLicence(product.id(), buyer.address()));
    await()
        .atMost(GRANTED_WITHIN)
        .until(
            () -> !get(streams.streams().get(streamId)).may(buyer.address(), Permission.SUBSCRIBE));
    assertFalse(ledgerLicence(product, buyer).activeAt(Instant.now().getEpochSecond()));
  }

  @Test
  void aBuyerOfTwoProductsSellingTheStreamReadsUntilTheLaterLicenceEnds() throws Exception {
    startNode();
    Product year = listedStream();
    Product trial = productOfTheStream();
    long yearEnd = submitBuy(buyer, year, 600);
    awaitSubscriber(buyer, Instant.ofEpochSecond(yearEnd));

    long trialEnd = submitBuy(buyer, trial, 60);
    // the projection applies purchases in order: once the extender's is granted, so was the
    // buyer's shorter one, which must not have cut the buyer's access short
    long extenderEnd = submitBuy(extender, trial, 30);
    awaitSubscriber(extender, Instant.ofEpochSecond(extenderEnd));
    assertEquals(
        Optional.of(Instant.ofEpochSecond(yearEnd)),
        get(streams.streams().get(streamId))
            .access()
            .expiry(buyer.address(), Permission.SUBSCRIBE));

    // without the long licence, the short one still holds
    submit(seller, new LedgerOperation.RevokeLicence(year.id(), buyer.address()));
    awaitSubscriber(buyer, Instant.ofEpochSecond(trialEnd));
  }

  /** The seller's stream with a custodian, on sale at 1 unit a second; the buyers hold 1,000. */
  private Product listedStream() throws Exception {
    get(streams.streams().create(streamId, seller.address(), "paid data", 1));
    get(keys.custodians().appoint(streamId, seller.address()));
    for (PrivateKeySigner account : List.of(buyer, extender)) {
      submit(operator, new LedgerOperation.Mint(account.address(), BigInteger.valueOf(1_000)));
    }
    return productOfTheStream();
  }

  /** Another product of the seller's over the same stream, at 1 unit a second. */
  private Product productOfTheStream() throws Exception {
    List<LedgerEvent> created =
        submit(
            seller,
            new LedgerOperation.CreateProduct(
                new ProductTerms(
                    List.of(streamId),
                    List.of(),
                    BigInteger.ONE,
                    1,
                    Bytes32.ZERO,
                    List.of(new ProductTerms.Beneficiary(seller.address(), 1)))));
    return ((LedgerEvent.ProductCreated) created.get(0)).product();
  }

  private long submitBuy(PrivateKeySigner account, Product product, long seconds) throws Exception {
    List<LedgerEvent> bought = submit(account, new LedgerOperation.Buy(product.id(), seconds));
    return ((LedgerEvent.LicenceExtended) bought.get(0)).endsAt();
  }

  private Licence ledgerLicence(Product product, PrivateKeySigner account) throws Exception {
    return get(ledger.licence(product.id(), account.address()));
  }

  private Stream.State awaitSubscriber(PrivateKeySigner account, Instant until) {
    return await()
        .atMost(GRANTED_WITHIN)
        .until(
            () -> get(streams.streams().get(streamId)),
            state ->
                state
                    .access()
                    .expiry(account.address(), Permission.SUBSCRIBE)
                    .equals(Optional.of(until)));
  }

  private List<LedgerEvent> submit(PrivateKeySigner signer, LedgerOperation operation)
      throws Exception {
    return get(ledger.submit(signer, operation));
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
