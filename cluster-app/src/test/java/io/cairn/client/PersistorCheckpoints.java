package io.cairn.client;

import io.cairn.protocol.api.v1.PersistorStatus;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Waiting, in tests, for a stream's persistor to have checkpointed a number of pairs. */
public final class PersistorCheckpoints {
  private PersistorCheckpoints() {}

  /**
   * The persistor's status once its latest checkpoint holds {@code count} pairs. A refused or
   * unanswered request is asked again (a persistor moving to another node answers neither), and the
   * last one is reported if the wait ends without the checkpoint.
   */
  public static PersistorStatus await(
      CairnClient client, String streamId, long count, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    Object last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        PersistorStatus status = client.persistor(streamId);
        if (status.hasCheckpoint() && status.getCheckpoint().getCount() == count) {
          return status;
        }
        last = status;
      } catch (CairnApiException | UncheckedIOException notYet) {
        last = notYet;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no checkpoint of "
            + count
            + " pairs within "
            + patience.toSeconds()
            + " s; last: "
            + last);
  }
}
