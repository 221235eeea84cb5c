package io.cairn.client;

import io.cairn.protocol.api.v1.PersistorStatus;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.awaitility.Awaitility;

/** Waiting, in tests, for a stream's persistor to have checkpointed a number of pairs. */
public final class PersistorCheckpoints {
  private PersistorCheckpoints() {}

  /**
   * The persistor's status once its latest checkpoint holds {@code count} pairs. A refused or
   * unanswered request is asked again (a persistor moving to another node answers neither), and the
   * last one is reported if the wait ends without the checkpoint.
   */
  public static PersistorStatus await(
      CairnClient client, String streamId, long count, Duration patience) {
    return Awaitility.await()
        .alias("a checkpoint of " + count + " pairs")
        .atMost(patience)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(CairnApiException.class)
        .ignoreExceptionsInstanceOf(UncheckedIOException.class)
        .until(
            () -> client.persistor(streamId),
            status -> status.hasCheckpoint() && status.getCheckpoint().getCount() == count);
  }
}
