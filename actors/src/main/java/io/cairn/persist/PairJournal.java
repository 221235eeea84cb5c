package io.cairn.persist;

import com.google.protobuf.ByteString;
import io.cairn.protocol.api.v1.PairPage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The pairs a persistor recorded, read back from its journal as pages: each page holds pairs sealed
 * under one group key, exactly as stored, so serving them needs no key. Read as the consumer takes
 * them (catch-up over HTTP, or a rebroadcast), never all at once.
 */
public final class PairJournal {
  private final CurrentEventsByPersistenceIdQuery journal;

  public PairJournal(ActorSystem<?> system, String readJournalPluginId) {
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournalPluginId);
  }

  /**
   * Pairs [from, to) of the persistor of {@code streamId}, in pages of at most {@code pageSize}
   * pairs of one group key, reading its journal from {@code fromSequenceNr} (where {@link
   * Persistor.Located} says pair {@code from} lies).
   */
  public Source<PairPage, NotUsed> pages(
      String streamId, long fromSequenceNr, long from, long to, int pageSize) {
    if (from >= to) {
      return Source.empty();
    }
    return journal
        .currentEventsByPersistenceId(
            Persistor.persistenceId(streamId), fromSequenceNr, Long.MAX_VALUE)
        .map(envelope -> envelope.event())
        .filter(event -> event instanceof Persistor.PairsRecorded)
        .map(event -> (Persistor.PairsRecorded) event)
        .takeWhile(recorded -> recorded.firstIndex() < to)
        .filter(recorded -> recorded.firstIndex() + recorded.size() > from)
        .mapConcat(recorded -> slices(recorded, from, to, pageSize))
        .statefulMap(
            PageMerger::new,
            (merger, page) -> org.apache.pekko.japi.Pair.create(merger, merger.add(page, pageSize)),
            PageMerger::finish)
        .filter(Optional::isPresent)
        .map(Optional::get);
  }

  /** The part of one recorded batch within [from, to), cut into pages. */
  private static List<PairPage> slices(
      Persistor.PairsRecorded recorded, long from, long to, int pageSize) {
    int start = (int) Math.max(0, from - recorded.firstIndex());
    int end = (int) Math.min(recorded.size(), to - recorded.firstIndex());
    List<PairPage> pages = new ArrayList<>();
    for (int first = start; first < end; first += pageSize) {
      PairPage.Builder page =
          PairPage.newBuilder()
              .setFirstIndex(recorded.firstIndex() + first)
              .setGroupKeyId(recorded.groupKeyId());
      for (int i = first; i < Math.min(end, first + pageSize); i++) {
        page.addPairs(ByteString.copyFrom(recorded.sealedPairs().get(i)));
      }
      pages.add(page.build());
    }
    return pages;
  }

  /**
   * Joins consecutive pages of one group key up to the page size: publishers that send one pair per
   * event would otherwise make a page, and its framing, per pair.
   */
  private static final class PageMerger {
    private PairPage.Builder pending;

    Optional<PairPage> add(PairPage page, int pageSize) {
      if (pending != null
          && pending.getGroupKeyId().equals(page.getGroupKeyId())
          && pending.getFirstIndex() + pending.getPairsCount() == page.getFirstIndex()
          && pending.getPairsCount() + page.getPairsCount() <= pageSize) {
        pending.addAllPairs(page.getPairsList());
        return Optional.empty();
      }
      Optional<PairPage> full = Optional.ofNullable(pending).map(PairPage.Builder::build);
      pending = page.toBuilder();
      return full;
    }

    Optional<Optional<PairPage>> finish() {
      return Optional.of(Optional.ofNullable(pending).map(PairPage.Builder::build));
    }
  }
}
