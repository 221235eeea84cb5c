package io.cairn.persist;

import io.cairn.protocol.persist.Checkpoint;
import io.cairn.protocol.persist.PairAccumulator;
import java.util.Arrays;

/**
 * The pairs a persistor recorded, as its state holds them: the merkle accumulator, the address
 * fingerprints and where each batch lies in the journal. Changed in place by the entity's event
 * handler only, as {@link io.cairn.stream.StreamPartition}'s state is: copying a million
 * fingerprints for every recorded batch would cost more than the journal write. Read only on the
 * entity's thread; there are no snapshots, so it is never serialized.
 */
final class PairStore {
  private final PairAccumulator accumulator = new PairAccumulator();
  private final FingerprintSet fingerprints = new FingerprintSet();
  private final PairIndex index = new PairIndex();

  long count() {
    return accumulator.count();
  }

  byte[] root() {
    return accumulator.root();
  }

  Checkpoint checkpoint() {
    return Checkpoint.of(accumulator);
  }

  boolean holds(long fingerprint) {
    return fingerprints.contains(fingerprint);
  }

  /** The sequence number of the persistor's event holding pair {@code index}; 1 before any. */
  long sequenceNrOf(long pair) {
    return index.sequenceNrOf(pair);
  }

  /** Adds the pairs of {@code recorded}, the persistor's event {@code journalSequenceNr}. */
  void add(Persistor.PairsRecorded recorded, long journalSequenceNr) {
    index.add(recorded.firstIndex(), journalSequenceNr);
    byte[] leaves = recorded.leaves();
    for (int i = 0; i < recorded.size(); i++) {
      accumulator.appendLeaf(Arrays.copyOfRange(leaves, i * 32, i * 32 + 32));
      fingerprints.add(recorded.fingerprints()[i]);
    }
  }
}
