package io.cairn.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.hypercore.CoreDescriptor;
import io.cairn.protocol.hypercore.CoreKeyPair;
import io.cairn.protocol.hypercore.CoreWriter;
import io.cairn.protocol.hypercore.HypercoreVectors;
import io.cairn.protocol.hypercore.InMemoryTreeStore;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.RangeProof;
import io.cairn.protocol.hypercore.SignedBatch;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoreTest {
  static final CoreSettings SETTINGS = new CoreSettings(1024, 4096, 64, Duration.ofSeconds(5));

  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private final CoreWriter writer =
      CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
  private final CoreDescriptor descriptor = CoreDescriptor.of(writer.identity());
  private final List<byte[]> written = new ArrayList<>();
  private EventSourcedBehaviorTestKit<Core.Command, Core.Event, Core.State> core;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshCore() {
    core =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Core.create(Core.entityId(writer.identity().key()), SETTINGS),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  static List<byte[]> blocks(int from, int count) {
    List<byte[]> blocks = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      blocks.add(("block-" + i).getBytes(StandardCharsets.UTF_8));
    }
    return blocks;
  }

  private SignedBatch write(List<byte[]> blocks) {
    written.addAll(blocks);
    return SignedBatch.of(writer.append(blocks), blocks);
  }

  private <R> StatusReply<R> run(Function<ActorRef<StatusReply<R>>, Core.Command> command) {
    return core.<StatusReply<R>>runCommand(command::apply).reply();
  }

  private void register() {
    StatusReply<Core.Registration> registered =
        this.<Core.Registration>run(replyTo -> new Core.Register(descriptor, replyTo));
    assertTrue(registered.isSuccess() && registered.getValue().created(), registered.toString());
  }

  private Core.Info append(SignedBatch batch) {
    StatusReply<Core.Info> reply = this.<Core.Info>run(replyTo -> new Core.Append(batch, replyTo));
    assertTrue(reply.isSuccess(), () -> "append refused: " + reply);
    return reply.getValue();
  }

  private <R> void assertRejected(
      ErrorCode code, Function<ActorRef<StatusReply<R>>, Core.Command> command) {
    var result = core.<StatusReply<R>>runCommand(command::apply);
    assertTrue(result.reply().isError(), () -> "expected " + code + ", got " + result.reply());
    assertEquals(
        code,
        assertInstanceOf(Rejection.class, result.reply().getError()).code(),
        () -> result.reply().getError().getMessage());
    assertTrue(result.hasNoEvents(), "a refused command stores nothing");
  }

  @Test
  void registeredBatchesGrowTheSignedTree() {
    register();
    append(write(blocks(0, 1)));
    Core.Info info = append(write(blocks(1, 4)));
    assertEquals(writer.head(), info.head());
    assertEquals(5, info.head().length());
    assertArrayEquals(writer.identity().key(), info.key());
    assertEquals(Set.of(1L, 5L), core.getState().signedLengths());
  }

  @Test
  void eachBlockIsOneEvent() {
    register();
    var result =
        core.<StatusReply<Core.Info>>runCommand(
            replyTo -> new Core.Append(write(blocks(0, 3)), replyTo));
    assertEquals(3, result.events().size());
    Core.BlockAppended last = (Core.BlockAppended) result.events().get(2);
    assertEquals(2, last.index());
    assertArrayEquals(writer.head().signature(), last.signature());
    assertEquals(null, ((Core.BlockAppended) result.events().get(0)).signature());
  }

  @Test
  void registeringAnotherCoresManifestOrGarbageIsRefused() {
    CoreWriter other = CoreWriter.create(CoreKeyPair.generate(), new InMemoryTreeStore());
    this.<Core.Registration>assertRejected(
        ErrorCode.INVALID_CORE_KEY,
        replyTo -> new Core.Register(CoreDescriptor.of(other.identity()), replyTo));
    this.<Core.Registration>assertRejected(
        ErrorCode.INVALID_MANIFEST,
        replyTo -> new Core.Register(new CoreDescriptor.ByManifest(new byte[] {9, 9, 9}), replyTo));
    this.<Core.Info>assertRejected(
        ErrorCode.CORE_NOT_FOUND,
        replyTo -> new Core.GetInfo((ActorRef<StatusReply<Core.Info>>) (ActorRef<?>) replyTo));
  }

  @Test
  void registeringTwiceAnswersTheSameCore() {
    register();
    append(write(blocks(0, 2)));
    StatusReply<Core.Registration> again =
        this.<Core.Registration>run(replyTo -> new Core.Register(descriptor, replyTo));
    assertFalse(again.getValue().created(), "registered before");
    assertEquals(2, again.getValue().info().head().length());
  }

  @Test
  void forgedOrOversizedBatchesStoreNothing() {
    register();
    append(write(blocks(0, 2)));
    SignedBatch good = write(blocks(2, 3));
    List<byte[]> tampered = new ArrayList<>(good.blocks());
    tampered.set(0, "forged".getBytes(StandardCharsets.UTF_8));
    this.<Core.Info>assertRejected(
        ErrorCode.INVALID_BATCH,
        replyTo ->
            new Core.Append(
                new SignedBatch(good.fork(), good.start(), tampered, List.of(), good.signature()),
                replyTo));
    this.<Core.Info>assertRejected(
        ErrorCode.INVALID_BATCH,
        replyTo ->
            new Core.Append(
                new SignedBatch(
                    good.fork(), good.start() + 1, good.blocks(), List.of(), good.signature()),
                replyTo));
    this.<Core.Info>assertRejected(
        ErrorCode.BLOCK_TOO_LARGE,
        replyTo ->
            new Core.Append(
                new SignedBatch(
                    good.fork(),
                    good.start(),
                    List.of(new byte[1025]),
                    List.of(),
                    good.signature()),
                replyTo));
    List<byte[]> fiveKib =
        List.of(new byte[1024], new byte[1024], new byte[1024], new byte[1024], new byte[1024]);
    this.<Core.Info>assertRejected(
        ErrorCode.BATCH_TOO_LARGE,
        replyTo ->
            new Core.Append(
                new SignedBatch(good.fork(), good.start(), fiveKib, List.of(), good.signature()),
                replyTo));
    assertEquals(2, core.getState().head().length());
    append(good);
    assertEquals(5, core.getState().head().length());
  }

  @Test
  void aResentBatchIsAcknowledgedWithoutStoringItTwice() {
    register();
    SignedBatch batch = write(blocks(0, 3));
    append(batch);
    var again = core.<StatusReply<Core.Info>>runCommand(replyTo -> new Core.Append(batch, replyTo));
    assertTrue(again.reply().isSuccess());
    assertTrue(again.hasNoEvents());
    assertEquals(3, again.reply().getValue().head().length());
  }

  @Test
  void blockProofsVerifyWithOnlyTheCoreKey() {
    register();
    append(write(blocks(0, 5)));
    append(write(blocks(5, 6)));
    ProofVerifier verifier = new ProofVerifier(descriptor.identity());
    for (int index = 0; index < 11; index++) {
      int i = index;
      Proof proof = this.<Proof>run(replyTo -> new Core.GetBlockProof(i, 0, replyTo)).getValue();
      Proof withValue =
          new Proof(
              proof.fork(),
              new Proof.Block(i, written.get(i), proof.block().nodes()),
              proof.upgrade());
      VerificationResult result = verifier.verify(withValue, TreeHead.EMPTY);
      assertTrue(result.accepted(), () -> "block " + i + ": " + result);
    }
    TreeHead verified = writer.head();
    for (long trustedLength : new long[] {5, 11}) {
      TreeHead trustedHead =
          trustedLength == 11
              ? verified
              : ((VerificationResult.Accepted)
                      verifier.verify(
                          this.<Proof>run(replyTo -> new Core.GetUpgradeProof(0, 5, replyTo))
                              .getValue(),
                          TreeHead.EMPTY))
                  .head();
      for (int index = 0; index < 11; index++) {
        int i = index;
        Proof proof =
            this.<Proof>run(replyTo -> new Core.GetBlockProof(i, trustedLength, replyTo))
                .getValue();
        assertEquals(
            trustedLength == 11,
            proof.upgrade() == null,
            "a reader that trusts the length needs no upgrade");
        Proof withValue =
            new Proof(
                proof.fork(),
                new Proof.Block(i, written.get(i), proof.block().nodes()),
                proof.upgrade());
        VerificationResult result = verifier.verify(withValue, trustedHead);
        assertTrue(
            result.accepted(), () -> "block " + i + " trusting " + trustedLength + ": " + result);
      }
    }
    this.<Proof>assertRejected(
        ErrorCode.BLOCK_NOT_FOUND, replyTo -> new Core.GetBlockProof(11, 0, replyTo));
    this.<Proof>assertRejected(
        ErrorCode.INVALID_RANGE, replyTo -> new Core.GetBlockProof(1, 12, replyTo));
  }

  @Test
  void rangeAndUpgradeProofsVerify() {
    register();
    append(write(blocks(0, 4)));
    append(write(blocks(4, 5)));
    ProofVerifier verifier = new ProofVerifier(descriptor.identity());

    RangeProof range =
        this.<RangeProof>run(replyTo -> new Core.GetRangeProof(2, 7, replyTo)).getValue();
    RangeProof filled =
        new RangeProof(
            range.fork(),
            range.length(),
            range.start(),
            written.subList(2, 7),
            range.nodes(),
            range.signature());
    assertTrue(verifier.verifyRange(filled, TreeHead.EMPTY).accepted());
    this.<RangeProof>assertRejected(
        ErrorCode.INVALID_RANGE, replyTo -> new Core.GetRangeProof(5, 10, replyTo));

    TreeHead atFour =
        ((VerificationResult.Accepted)
                verifier.verify(
                    this.<Proof>run(replyTo -> new Core.GetUpgradeProof(0, 4, replyTo)).getValue(),
                    TreeHead.EMPTY))
            .head();
    assertEquals(4, atFour.length());
    Proof upgrade = this.<Proof>run(replyTo -> new Core.GetUpgradeProof(4, 9, replyTo)).getValue();
    assertEquals(
        writer.head(), ((VerificationResult.Accepted) verifier.verify(upgrade, atFour)).head());
    this.<Proof>assertRejected(
        ErrorCode.INVALID_RANGE, replyTo -> new Core.GetUpgradeProof(0, 6, replyTo));
  }

  @Test
  void recoveryRebuildsTheTree() {
    register();
    append(write(blocks(0, 7)));
    append(write(blocks(7, 2)));
    TreeHead before = core.getState().head();
    core.restart();
    assertEquals(before, core.getState().head());
    assertEquals(Set.of(7L, 9L), core.getState().signedLengths());
  }

  @Test
  void aCoreWrittenByTheJavaScriptHypercoreIsImported() {
    CoreDescriptor javascript =
        new CoreDescriptor.ByManifest(
            HypercoreVectors.hex(
                HypercoreVectors.json().getAsJsonObject("manifest").get("encoded")));
    byte[] key = HypercoreVectors.hex(HypercoreVectors.json().get("key"));
    core =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Core.create(Core.entityId(key), SETTINGS),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    assertTrue(
        this.<Core.Registration>run(replyTo -> new Core.Register(javascript, replyTo)).isSuccess());

    // the JS writer signed every length; importing all blocks needs only the signature of the last
    List<byte[]> blocks = HypercoreVectors.blocks();
    TreeHead signed = HypercoreVectors.head(12);
    List<byte[]> forged = new ArrayList<>(blocks);
    forged.set(11, new byte[] {1});
    this.<Core.Info>assertRejected(
        ErrorCode.INVALID_BATCH,
        replyTo ->
            new Core.Append(new SignedBatch(0, 0, forged, List.of(), signed.signature()), replyTo));
    Core.Info info = append(new SignedBatch(0, 0, blocks, List.of(), signed.signature()));
    assertEquals(signed, info.head());
    assertArrayEquals(
        HypercoreVectors.hex(HypercoreVectors.json().get("discoveryKey")), info.discoveryKey());
  }
}
