package io.cairn.stream;

import io.cairn.stream.StreamPartition.Position;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain's latest positions, oldest first, to recognise an event sent again. Stored positions only
 * ever grow along a chain, so the window is a sorted ring searched by bisection; it is kept as
 * primitives, two arrays per chain, and changed in place: copying it for every stored event cost
 * more than the journal write.
 */
final class ChainWindow {
  private final long[] timestamps = new long[StreamPartition.RECENT_POSITIONS];
  private final int[] sequenceNumbers = new int[StreamPartition.RECENT_POSITIONS];
  private int oldest;
  private int size;

  ChainWindow() {}

  ChainWindow(Iterable<Position> oldestFirst) {
    oldestFirst.forEach(this::add);
  }

  /** Appends a position past the head; the oldest falls out of a full window. */
  void add(Position position) {
    int slot = (oldest + size) % StreamPartition.RECENT_POSITIONS;
    timestamps[slot] = position.timestamp();
    sequenceNumbers[slot] = position.sequenceNumber();
    if (size < StreamPartition.RECENT_POSITIONS) {
      size++;
    } else {
      oldest = (oldest + 1) % StreamPartition.RECENT_POSITIONS;
    }
  }

  Position head() {
    return size == 0 ? null : at(size - 1);
  }

  boolean contains(Position position) {
    int low = 0;
    int high = size - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int order = at(middle).compareTo(position);
      if (order == 0) {
        return true;
      }
      if (order < 0) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return false;
  }

  /** The {@code i}-th position, oldest first. */
  private Position at(int i) {
    int slot = (oldest + i) % StreamPartition.RECENT_POSITIONS;
    return new Position(timestamps[slot], sequenceNumbers[slot]);
  }

  List<Position> positions() {
    List<Position> positions = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      positions.add(at(i));
    }
    return positions;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChainWindow that && positions().equals(that.positions());
  }

  @Override
  public int hashCode() {
    return positions().hashCode();
  }
}
