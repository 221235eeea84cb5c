package io.cairn.projection;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * How the events of one entity type are tagged so that projections can read them: every event of an
 * entity carries one tag, {@code <entity type>-<slice>}, its slice fixed by the entity id. A
 * projection runs one instance per slice, and the instances are spread over the nodes, so no node
 * reads every event of the type. An entity's events all fall in one slice, so each instance sees an
 * entity's events in the order they were written.
 *
 * <p>The number of slices is part of the stored events: changing it would put an entity's later
 * events in another slice than its earlier ones, read by another instance from another offset.
 */
public record EventSlices(String entityType, int count) {
  /** Slices per entity type: a few per node of a small cluster. Never change it. */
  public static final int COUNT = 4;

  public static EventSlices of(EntityTypeKey<?> type) {
    return new EventSlices(type.name(), COUNT);
  }

  /** What an event of {@code entityId} is tagged with, for the entity's {@code tagsFor}. */
  public Set<String> tagsFor(String entityId) {
    return Set.of(tag(Math.floorMod(entityId.hashCode(), count)));
  }

  public String tag(int slice) {
    return entityType + "-" + slice;
  }

  public List<String> tags() {
    return IntStream.range(0, count).mapToObj(this::tag).toList();
  }
}
