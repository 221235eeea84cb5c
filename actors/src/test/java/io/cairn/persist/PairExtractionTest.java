package io.cairn.persist;

import static io.cairn.persist.PairEvents.pair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.ContentMessage;
import io.cairn.protocol.api.v1.ContentType;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.encryption.EncryptionException;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.persist.MalformedPairContentException;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairSealing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading an event's pairs and choosing the new ones, without an actor or a journal. */
class PairExtractionTest {
  private final PrivateKeySigner publisher = PrivateKeySigner.generate();
  private final PrivateKeySigner service = PrivateKeySigner.generate();
  private final String streamId = publisher.address() + "/pairs";
  private final GroupKey key = GroupKey.generate();
  private final PairEvents events = new PairEvents(publisher, streamId, "pairs");

  private static byte[] id(PrivateKeySigner signer) {
    return HexFormat.of().parseHex(signer.address().value().substring(2));
  }

  private List<Pair> open(PairExtraction.Pairs pairs) {
    return pairs.sealedPairs().stream()
        .map(sealedPair -> PairSealing.open(sealedPair, key))
        .toList();
  }

  @Test
  void anEventsPairsAreSealedUnderItsKeyEachAddressOnce() {
    Pair a = pair("core-a/0");
    Pair b = pair("core-a/1");
    StreamMessage event = events.pairs(0, key, List.of(a, b, pair(a.address())));

    PairExtraction.Pairs pairs = PairExtraction.extract(7, event, key).orElseThrow();

    assertEquals(7, pairs.sequenceNr());
    assertEquals(key.id(), pairs.groupKeyId());
    assertEquals(List.of(a, b), open(pairs), "the address's first pair only");
    byte[] leaves = new byte[64];
    System.arraycopy(a.leaf(), 0, leaves, 0, 32);
    System.arraycopy(b.leaf(), 0, leaves, 32, 32);
    assertArrayEquals(leaves, pairs.leaves());
    assertArrayEquals(
        new long[] {a.addressFingerprint(), b.addressFingerprint()}, pairs.fingerprints());
    assertEquals(List.of(), pairs.skipped());
  }

  @Test
  void malformedEntriesAreSkippedWithTheReason() {
    Pair good = pair("core-b/0");
    byte[] content =
        ("{\"data\":[{\"address\":\"short\",\"key\":\"AAAA\"},{\"address\":\""
                + good.address()
                + "\",\"key\":\""
                + java.util.Base64.getEncoder().encodeToString(good.key())
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    PairExtraction.Pairs pairs =
        PairExtraction.extract(1, events.content(0, key, content), key).orElseThrow();

    assertEquals(List.of(good), open(pairs));
    assertEquals(1, pairs.skipped().size());
    assertTrue(pairs.skipped().get(0).contains("short"), pairs.skipped().toString());
  }

  @Test
  void whatIsNotAPairEventIsRefusedWithTheProtocolsOwnExceptions() {
    StreamMessage notPairs = events.content(0, key, "21 degrees".getBytes(StandardCharsets.UTF_8));
    assertThrows(
        MalformedPairContentException.class, () -> PairExtraction.extract(1, notPairs, key));

    StreamMessage pairs = events.pairs(0, key, List.of(pair("core-c/0")));
    assertThrows(
        EncryptionException.class, () -> PairExtraction.extract(2, pairs, GroupKey.generate()));
  }

  @Test
  void binaryContentHoldsNoPairs() {
    StreamMessage.Builder builder = StreamMessage.newBuilder();
    builder.getMessageIdBuilder().setStreamId(streamId).setTimestamp(1).setMessageChainId("bin");
    StreamMessage binary =
        new EventSigner(publisher)
            .sign(
                StreamEncryption.encryptContent(
                    builder
                        .setContentMessage(
                            ContentMessage.newBuilder()
                                .setContent(ByteString.copyFrom(new byte[] {1, 2, 3}))
                                .setContentType(ContentType.BINARY))
                        .build(),
                    key));
    assertEquals(Optional.empty(), PairExtraction.extract(1, binary, key));
  }

  @Test
  void onlyOthersEncryptedContentIsReadForPairs() {
    StreamMessage encrypted = events.pairs(0, key, List.of(pair("core-d/0")));
    assertEquals(Optional.of(key.id()), PairExtraction.keyIdOf(encrypted, id(service)));
    assertEquals(
        Optional.empty(), PairExtraction.keyIdOf(encrypted, id(publisher)), "its own events");

    StreamMessage.Builder plain = encrypted.toBuilder();
    plain
        .getContentMessageBuilder()
        .setEncryptionType(io.cairn.protocol.api.v1.EncryptionType.NONE);
    assertEquals(Optional.empty(), PairExtraction.keyIdOf(plain.build(), id(service)));
  }

  @Test
  void newPairsLeaveOutWhatWasRecordedAndNumberTheRestOn() {
    Pair a = pair("core-e/0");
    Pair b = pair("core-e/1");
    Pair c = pair("core-e/2");
    Pair d = pair("core-e/3");
    PairExtraction.Pairs first =
        PairExtraction.extract(4, events.pairs(0, key, List.of(a, b)), key).orElseThrow();
    PairExtraction.Pairs second =
        PairExtraction.extract(
                5, events.pairs(0, key, List.of(pair(b.address()), c, pair(a.address()))), key)
            .orElseThrow();
    PairExtraction.Pairs third =
        PairExtraction.extract(6, events.pairs(0, key, List.of(d)), key).orElseThrow();
    PairExtraction.Pairs onlyKnown =
        PairExtraction.extract(7, events.pairs(0, key, List.of(pair(d.address()))), key)
            .orElseThrow();
    Set<Long> recorded = Set.of(a.addressFingerprint());

    List<Persistor.PairsRecorded> fresh =
        PairExtraction.newPairs(
            List.of(first, second, third, onlyKnown), 2, 4, 10, recorded::contains);

    // event 4 is at the partition's position, so recorded before: b's address is new in event 5,
    // a's was recorded, and d's is met in event 6 before event 7
    assertEquals(2, fresh.size());
    Persistor.PairsRecorded fromFive = fresh.get(0);
    assertEquals(2, fromFive.partition());
    assertEquals(5, fromFive.sequenceNr());
    assertEquals(10, fromFive.firstIndex());
    assertEquals(
        List.of(b.address(), c.address()),
        fromFive.sealedPairs().stream()
            .map(sealedPair -> PairSealing.open(sealedPair, key).address())
            .toList());
    assertArrayEquals(
        new long[] {b.addressFingerprint(), c.addressFingerprint()}, fromFive.fingerprints());
    assertArrayEquals(
        Arrays.copyOfRange(second.leaves(), 0, 64), fromFive.leaves(), "b's and c's leaves");
    Persistor.PairsRecorded fromSix = fresh.get(1);
    assertEquals(6, fromSix.sequenceNr());
    assertEquals(12, fromSix.firstIndex());
    assertEquals(
        List.of(d), fromSix.sealedPairs().stream().map(s -> PairSealing.open(s, key)).toList());

    assertEquals(
        List.of(),
        PairExtraction.newPairs(List.of(first), 0, 0, 0, fingerprint -> true),
        "every address recorded before");
  }
}
