package io.cairn.api.persist;

import io.cairn.persist.Persistor;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import io.cairn.protocol.api.v1.PersistorMode;
import io.cairn.protocol.api.v1.PersistorSettings;
import io.cairn.protocol.api.v1.PersistorStatus;
import io.cairn.protocol.api.v1.SignedCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The persistor's public API messages to and from its domain records. */
public final class PersistorApiMapper {
  private PersistorApiMapper() {}

  public static PersistorStatus status(Persistor.Status status) {
    PersistorStatus.Builder out =
        PersistorStatus.newBuilder()
            .setStreamId(status.streamId())
            .setMode(mode(status.mode()))
            .setIntervalMillis(status.interval().toMillis())
            .setCount(status.count())
            .setRoot(status.rootHex())
            .setServiceAddress(status.serviceAddress())
            .setWhileLicensed(status.whileLicensed())
            .setPaused(status.pausedBecause().isPresent())
            .setPausedBecause(status.pausedBecause().orElse(""))
            .setLicensedUntilMs(status.followUntil().map(Instant::toEpochMilli).orElse(0L));
    status
        .checkpoint()
        .ifPresent(
            signed ->
                out.setCheckpoint(
                    SignedCheckpoint.newBuilder()
                        .setCount(signed.checkpoint().count())
                        .setRoot(signed.checkpoint().rootHex())
                        .setMessage(signed.event())));
    return out.build();
  }

  public static Persistor.Mode mode(PersistorMode mode) {
    return mode == PersistorMode.REBROADCAST
        ? Persistor.Mode.REBROADCAST
        : Persistor.Mode.CHECKPOINT;
  }

  private static PersistorMode mode(Persistor.Mode mode) {
    return mode == Persistor.Mode.REBROADCAST
        ? PersistorMode.REBROADCAST
        : PersistorMode.CHECKPOINT;
  }

  /** The interval asked for: none (0) keeps the node's default; a negative one is refused. */
  public static Optional<Duration> interval(PersistorSettings requested) {
    if (requested.getIntervalMillis() < 0) {
      throw new Rejection(ErrorCode.INVALID_PERSISTOR_SETTINGS, "intervalMillis is not negative");
    }
    return requested.getIntervalMillis() == 0
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(requested.getIntervalMillis()));
  }
}
