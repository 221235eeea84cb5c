package io.cairn.persist;

import io.cairn.protocol.api.v1.PairPage;
import io.cairn.protocol.encryption.GroupKey;
import io.cairn.protocol.encryption.StreamEncryption;
import io.cairn.protocol.persist.Pair;
import io.cairn.protocol.persist.PairContent;
import io.cairn.protocol.persist.PairSealing;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * What a rebroadcasting persistor republishes in one interval: its pairs read back from its
 * journal, opened with their group keys and made into pair contents of at most a page each, off the
 * entity's thread. The entity then signs them under the stream's current key and publishes them
 * ({@link PersistorChain#pages}).
 */
final class Rebroadcaster {
  private final String streamId;
  private final KeyCache keys;
  private final PairJournal journal;
  private final int pageSize;
  private final Materializer materializer;

  /**
   * @param materializer the entity's, so that a read stops with the persistor
   */
  Rebroadcaster(
      String streamId,
      KeyCache keys,
      PairJournal journal,
      int pageSize,
      Materializer materializer) {
    this.streamId = streamId;
    this.keys = keys;
    this.journal = journal;
    this.pageSize = pageSize;
    this.materializer = materializer;
  }

  /**
   * The contents of pairs [from, to), the first of which the persistor's journal holds at {@code
   * fromSequenceNr}, and the key to publish them under.
   */
  CompletionStage<Persistor.RebroadcastReady> read(long fromSequenceNr, long from, long to) {
    return keys.current()
        .thenCompose(
            current ->
                journal
                    .pages(streamId, fromSequenceNr, from, to, pageSize)
                    .mapAsync(
                        1, page -> keys.get(page.getGroupKeyId()).thenApply(key -> open(page, key)))
                    .mapConcat(pairs -> pairs)
                    .grouped(pageSize)
                    .map(PairContent::encode)
                    .runWith(Sink.seq(), materializer)
                    .thenApply(contents -> new Persistor.RebroadcastReady(contents, current, to)));
  }

  private static List<Pair> open(PairPage page, GroupKey key) {
    StreamEncryption.Decryptor decryptor = StreamEncryption.decryptor(key);
    return page.getPairsList().stream()
        .map(sealedPair -> PairSealing.open(sealedPair.toByteArray(), decryptor, key))
        .toList();
  }
}
