package io.cairn.persist;

import com.google.protobuf.ByteString;
import io.cairn.cluster.proto.persist.ChainPoint;
import io.cairn.cluster.proto.persist.CheckpointSigned;
import io.cairn.cluster.proto.persist.ConfigurePersistor;
import io.cairn.cluster.proto.persist.FollowUntilSet;
import io.cairn.cluster.proto.persist.GetPersistorStatus;
import io.cairn.cluster.proto.persist.LicencesChanged;
import io.cairn.cluster.proto.persist.LocatePairs;
import io.cairn.cluster.proto.persist.PairsLocated;
import io.cairn.cluster.proto.persist.PairsRecorded;
import io.cairn.cluster.proto.persist.PersistorConfigured;
import io.cairn.cluster.proto.persist.PersistorMode;
import io.cairn.cluster.proto.persist.PersistorSettings;
import io.cairn.cluster.proto.persist.PersistorStatus;
import io.cairn.cluster.proto.persist.PositionsAdvanced;
import io.cairn.cluster.proto.persist.RebroadcastAdvanced;
import io.cairn.protocol.persist.Checkpoint;
import io.cairn.serialization.ProtobufSerializer;
import io.cairn.stream.StreamPartition.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Writes the Persistor entity's events, and the commands and replies that cross nodes, as {@code
 * cairn/cluster/persist.proto}.
 */
public final class PersistorSerializer extends ProtobufSerializer {
  public PersistorSerializer(ExtendedActorSystem system) {
    super(system, 7730);
    bind(
        "PC",
        Persistor.Configured.class,
        e ->
            PersistorConfigured.newBuilder()
                .setMode(toProto(e.mode()))
                .setIntervalMillis(millis(e.interval()))
                .setWhileLicensed(e.whileLicensed())
                .build(),
        bytes -> {
          PersistorConfigured e = PersistorConfigured.parseFrom(bytes);
          return new Persistor.Configured(
              fromProto(e.getMode()), interval(e.getIntervalMillis()), e.getWhileLicensed());
        });
    bind(
        "FU",
        Persistor.FollowUntilSet.class,
        e -> FollowUntilSet.newBuilder().setUntilMs(e.until().toEpochMilli()).build(),
        bytes ->
            new Persistor.FollowUntilSet(
                Instant.ofEpochMilli(FollowUntilSet.parseFrom(bytes).getUntilMs())));
    bind(
        "PR",
        Persistor.PairsRecorded.class,
        e -> {
          var out =
              PairsRecorded.newBuilder()
                  .setPartition(e.partition())
                  .setSequenceNr(e.sequenceNr())
                  .setFirstIndex(e.firstIndex())
                  .setGroupKeyId(e.groupKeyId())
                  .setLeaves(ByteString.copyFrom(e.leaves()));
          e.sealedPairs()
              .forEach(sealedPair -> out.addSealedPairs(ByteString.copyFrom(sealedPair)));
          for (long fingerprint : e.fingerprints()) {
            out.addFingerprints(fingerprint);
          }
          return out.build();
        },
        bytes -> {
          PairsRecorded e = PairsRecorded.parseFrom(bytes);
          return new Persistor.PairsRecorded(
              e.getPartition(),
              e.getSequenceNr(),
              e.getFirstIndex(),
              e.getGroupKeyId(),
              e.getSealedPairsList().stream().map(ByteString::toByteArray).toList(),
              e.getLeaves().toByteArray(),
              e.getFingerprintsList().stream().mapToLong(Long::longValue).toArray());
        });
    bind(
        "PA",
        Persistor.PositionsAdvanced.class,
        e -> PositionsAdvanced.newBuilder().putAllPositions(e.positions()).build(),
        bytes ->
            new Persistor.PositionsAdvanced(PositionsAdvanced.parseFrom(bytes).getPositionsMap()));
    bind(
        "CS",
        Persistor.CheckpointSigned.class,
        e ->
            CheckpointSigned.newBuilder()
                .setCount(e.checkpoint().checkpoint().count())
                .setRoot(ByteString.copyFrom(e.checkpoint().checkpoint().root()))
                .setMessage(e.checkpoint().event())
                .build(),
        bytes -> {
          CheckpointSigned e = CheckpointSigned.parseFrom(bytes);
          return new Persistor.CheckpointSigned(
              new SignedCheckpoint(
                  new Checkpoint(e.getCount(), e.getRoot().toByteArray()),
                  e.getMessage().toByteArray()));
        });
    bind(
        "RA",
        Persistor.RebroadcastAdvanced.class,
        e ->
            RebroadcastAdvanced.newBuilder()
                .setHead(
                    ChainPoint.newBuilder()
                        .setTimestamp(e.head().timestamp())
                        .setSequenceNumber(e.head().sequenceNumber()))
                .setNextIndex(e.nextIndex())
                .build(),
        bytes -> {
          RebroadcastAdvanced e = RebroadcastAdvanced.parseFrom(bytes);
          return new Persistor.RebroadcastAdvanced(
              new Position(e.getHead().getTimestamp(), e.getHead().getSequenceNumber()),
              e.getNextIndex());
        });
    bind(
        "C",
        Persistor.Configure.class,
        c ->
            ConfigurePersistor.newBuilder()
                .setSettings(
                    PersistorSettings.newBuilder()
                        .setMode(toProto(c.mode()))
                        .setIntervalMillis(millis(c.interval()))
                        .setWhileLicensed(c.whileLicensed()))
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          ConfigurePersistor c = ConfigurePersistor.parseFrom(bytes);
          return new Persistor.Configure(
              fromProto(c.getSettings().getMode()),
              interval(c.getSettings().getIntervalMillis()),
              c.getSettings().getWhileLicensed(),
              resolve(c.getReplyTo()));
        });
    bind(
        "LC",
        Persistor.LicencesChanged.class,
        c -> LicencesChanged.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes ->
            new Persistor.LicencesChanged(resolve(LicencesChanged.parseFrom(bytes).getReplyTo())));
    bind(
        "G",
        Persistor.GetStatus.class,
        c -> GetPersistorStatus.newBuilder().setReplyTo(serialize(c.replyTo())).build(),
        bytes ->
            new Persistor.GetStatus(resolve(GetPersistorStatus.parseFrom(bytes).getReplyTo())));
    bind(
        "L",
        Persistor.Locate.class,
        c ->
            LocatePairs.newBuilder()
                .setFrom(c.from())
                .setTo(c.to())
                .setReplyTo(serialize(c.replyTo()))
                .build(),
        bytes -> {
          LocatePairs c = LocatePairs.parseFrom(bytes);
          return new Persistor.Locate(c.getFrom(), c.getTo(), resolve(c.getReplyTo()));
        });
    bind(
        "S",
        Persistor.Status.class,
        PersistorSerializer::toProto,
        bytes -> fromProto(PersistorStatus.parseFrom(bytes)));
    bind(
        "LD",
        Persistor.Located.class,
        r ->
            PairsLocated.newBuilder()
                .setFrom(r.from())
                .setTo(r.to())
                .setCount(r.count())
                .setFromSequenceNr(r.fromSequenceNr())
                .build(),
        bytes -> {
          PairsLocated r = PairsLocated.parseFrom(bytes);
          return new Persistor.Located(r.getFrom(), r.getTo(), r.getCount(), r.getFromSequenceNr());
        });
  }

  /** The status as it crosses nodes. */
  private static PersistorStatus toProto(Persistor.Status status) {
    var out =
        PersistorStatus.newBuilder()
            .setStreamId(status.streamId())
            .setMode(toProto(status.mode()))
            .setIntervalMillis(status.interval().toMillis())
            .setCount(status.count())
            .setRoot(status.rootHex())
            .setServiceAddress(status.serviceAddress())
            .setWhileLicensed(status.whileLicensed())
            .setFollowUntilMs(status.followUntil().map(Instant::toEpochMilli).orElse(0L))
            .setPausedBecause(status.pausedBecause().orElse(""));
    status
        .checkpoint()
        .ifPresent(
            signed ->
                out.setCheckpoint(
                    io.cairn.cluster.proto.persist.SignedCheckpoint.newBuilder()
                        .setCount(signed.checkpoint().count())
                        .setRoot(signed.checkpoint().rootHex())
                        .setMessage(signed.event())));
    return out.build();
  }

  private static Persistor.Status fromProto(PersistorStatus status) {
    Optional<SignedCheckpoint> checkpoint =
        status.hasCheckpoint()
            ? Optional.of(
                new SignedCheckpoint(
                    new Checkpoint(
                        status.getCheckpoint().getCount(),
                        HexFormat.of().parseHex(status.getCheckpoint().getRoot())),
                    status.getCheckpoint().getMessage().toByteArray()))
            : Optional.empty();
    return new Persistor.Status(
        status.getStreamId(),
        fromProto(status.getMode()),
        Duration.ofMillis(status.getIntervalMillis()),
        status.getCount(),
        HexFormat.of().parseHex(status.getRoot()),
        status.getServiceAddress(),
        checkpoint,
        status.getWhileLicensed(),
        status.getFollowUntilMs() == 0
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(status.getFollowUntilMs())),
        status.getPausedBecause().isEmpty()
            ? Optional.empty()
            : Optional.of(status.getPausedBecause()));
  }

  private static PersistorMode toProto(Persistor.Mode mode) {
    return mode == Persistor.Mode.REBROADCAST
        ? PersistorMode.REBROADCAST
        : PersistorMode.CHECKPOINT;
  }

  private static Persistor.Mode fromProto(PersistorMode mode) {
    return mode == PersistorMode.REBROADCAST
        ? Persistor.Mode.REBROADCAST
        : Persistor.Mode.CHECKPOINT;
  }

  private static long millis(Optional<Duration> interval) {
    return interval.map(Duration::toMillis).orElse(0L);
  }

  private static Optional<Duration> interval(long millis) {
    return millis <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
  }
}
