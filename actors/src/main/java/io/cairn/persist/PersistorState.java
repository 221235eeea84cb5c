package io.cairn.persist;

import io.cairn.stream.StreamPartition.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A persistor's state, changed in place by its event handler only (the methods named for the
 * events): its {@link PairStore} grows with every recorded batch, and copying it per batch would
 * cost more than the journal write. The entity's command handling reads it on the entity's thread
 * and hands no part of it to anything that runs elsewhere; there are no snapshots, so it is never
 * serialized.
 */
public final class PersistorState {
  private boolean appointed;
  private Persistor.Mode mode = Persistor.Mode.CHECKPOINT;
  private Optional<Duration> interval = Optional.empty();
  private boolean whileLicensed;
  private Optional<Instant> followUntil = Optional.empty();
  private final Map<Integer, Long> positions = new HashMap<>();
  private final PairStore pairs = new PairStore();
  private Optional<Position> chainHead = Optional.empty();
  private Optional<SignedCheckpoint> checkpoint = Optional.empty();
  private long nextRebroadcast;

  boolean appointed() {
    return appointed;
  }

  Persistor.Mode mode() {
    return mode;
  }

  /** The interval set for this stream; empty for the node's default. */
  Optional<Duration> interval() {
    return interval;
  }

  /** Whether it follows the stream only while at least one licence on it is active. */
  boolean whileLicensed() {
    return whileLicensed;
  }

  /**
   * While licensed: until when it follows, the end of the latest active licence as last read (in
   * the past: when following stopped); empty until the licences are first read.
   */
  Optional<Instant> followUntil() {
    return followUntil;
  }

  /** The last event of {@code partition} read, with or without pairs; 0 before any. */
  long position(int partition) {
    return positions.getOrDefault(partition, 0L);
  }

  PairStore pairs() {
    return pairs;
  }

  /** The place of the persistor's last event on its stream. */
  Optional<Position> chainHead() {
    return chainHead;
  }

  Optional<SignedCheckpoint> checkpoint() {
    return checkpoint;
  }

  /** The pair the next rebroadcast starts at. */
  long nextRebroadcast() {
    return nextRebroadcast;
  }

  PersistorState configured(Persistor.Configured configured) {
    appointed = true;
    mode = configured.mode();
    interval = configured.interval();
    whileLicensed = configured.whileLicensed();
    return this;
  }

  PersistorState followUntilSet(Persistor.FollowUntilSet set) {
    followUntil = Optional.of(set.until());
    return this;
  }

  /** Adds the pairs of {@code recorded}, the persistor's event {@code journalSequenceNr}. */
  PersistorState recorded(Persistor.PairsRecorded recorded, long journalSequenceNr) {
    pairs.add(recorded, journalSequenceNr);
    positions.merge(recorded.partition(), recorded.sequenceNr(), Math::max);
    return this;
  }

  PersistorState advanced(Persistor.PositionsAdvanced advanced) {
    advanced.positions().forEach((partition, last) -> positions.merge(partition, last, Math::max));
    return this;
  }

  PersistorState checkpointSigned(Persistor.CheckpointSigned signed) {
    checkpoint = Optional.of(signed.checkpoint());
    chainHead = Optional.of(signed.checkpoint().position());
    return this;
  }

  PersistorState rebroadcastAdvanced(Persistor.RebroadcastAdvanced advanced) {
    chainHead = Optional.of(advanced.head());
    nextRebroadcast = advanced.nextIndex();
    return this;
  }

  @Override
  public String toString() {
    return "PersistorState["
        + (appointed ? mode : "not appointed")
        + ", "
        + pairs.count()
        + " pairs]";
  }
}
