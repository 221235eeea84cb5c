package io.cairn.persist;

import java.util.Arrays;

/**
 * The address fingerprints a persistor has recorded, as an open-addressing set of primitive longs:
 * 8 to 16 bytes per pair instead of a String and a HashMap node (about 120 bytes) each, so a
 * million pairs take 16 MiB at most. Changed in place by the entity's event handler only.
 */
final class FingerprintSet {
  private static final long EMPTY = 0L;
  private long[] slots = new long[1024];
  private int size;

  /** 0 marks an empty slot, so the fingerprint 0 is held apart. */
  private boolean hasZero;

  boolean contains(long fingerprint) {
    if (fingerprint == EMPTY) {
      return hasZero;
    }
    int mask = slots.length - 1;
    for (int i = spread(fingerprint) & mask; ; i = (i + 1) & mask) {
      if (slots[i] == fingerprint) {
        return true;
      }
      if (slots[i] == EMPTY) {
        return false;
      }
    }
  }

  /** Adds it; false when it was there. */
  boolean add(long fingerprint) {
    if (fingerprint == EMPTY) {
      boolean added = !hasZero;
      hasZero = true;
      return added;
    }
    if ((size + 1) * 2L > slots.length) {
      grow();
    }
    if (insert(slots, fingerprint)) {
      size++;
      return true;
    }
    return false;
  }

  int size() {
    return size + (hasZero ? 1 : 0);
  }

  private static boolean insert(long[] table, long fingerprint) {
    int mask = table.length - 1;
    for (int i = spread(fingerprint) & mask; ; i = (i + 1) & mask) {
      if (table[i] == fingerprint) {
        return false;
      }
      if (table[i] == EMPTY) {
        table[i] = fingerprint;
        return true;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long fingerprint : slots) {
      if (fingerprint != EMPTY) {
        insert(bigger, fingerprint);
      }
    }
    slots = bigger;
  }

  /**
   * Fingerprints are hash bytes already; mixing the halves keeps clustering low for any table size.
   */
  private static int spread(long fingerprint) {
    return (int) (fingerprint ^ (fingerprint >>> 32));
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof FingerprintSet that)
        || that.size() != size()
        || that.hasZero != hasZero) {
      return false;
    }
    return Arrays.stream(slots).filter(f -> f != EMPTY).allMatch(that::contains);
  }

  @Override
  public int hashCode() {
    return size();
  }
}
