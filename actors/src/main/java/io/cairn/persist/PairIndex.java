package io.cairn.persist;

import java.util.Arrays;

/**
 * Where each recorded batch of pairs lies in the persistor's journal: the index of its first pair
 * and the journal sequence number of its event, both ascending, as primitive arrays (16 bytes per
 * batch). A catch-up read finds the event holding pair {@code i} by bisection and reads from there.
 */
final class PairIndex {
  private long[] firstPairs = new long[256];
  private long[] sequenceNrs = new long[256];
  private int size;

  void add(long firstPair, long sequenceNr) {
    if (size == firstPairs.length) {
      firstPairs = Arrays.copyOf(firstPairs, size * 2);
      sequenceNrs = Arrays.copyOf(sequenceNrs, size * 2);
    }
    firstPairs[size] = firstPair;
    sequenceNrs[size] = sequenceNr;
    size++;
  }

  /** The sequence number of the event holding pair {@code index}; 1 when there is none yet. */
  long sequenceNrOf(long index) {
    int low = 0;
    int high = size - 1;
    int found = -1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (firstPairs[middle] <= index) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? 1 : sequenceNrs[found];
  }
}
