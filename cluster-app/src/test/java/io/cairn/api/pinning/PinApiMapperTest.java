package io.cairn.api.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cairn.pinning.PinningJob;
import io.cairn.pinning.UnsealedTail;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A job's unsealed tail in its public view: shown while there is one, as held by the cluster. */
class PinApiMapperTest {
  private static final EthereumAddress SUPPORTER = PrivateKeySigner.generate().address();

  @Test
  void anUnsealedTailIsShownAsHeldByTheClusterOnly() {
    PinJobView view =
        PinApiMapper.view(
            job(Optional.of(new UnsealedTail(64, 90, Bytes32.ZERO, Instant.ofEpochMilli(5_000)))));
    assertEquals(64, view.getUnsealedTail().getStart());
    assertEquals(90, view.getUnsealedTail().getEnd());
    assertEquals(5_000, view.getUnsealedTail().getSinceMs());
    assertEquals("CLUSTER_ONLY", view.getUnsealedTail().getState());
  }

  @Test
  void aJobWithoutATailShowsNone() {
    assertFalse(PinApiMapper.view(job(Optional.empty())).hasUnsealedTail());
  }

  private static PinningJob.Job job(Optional<UnsealedTail> tail) {
    return new PinningJob.Job(
        Bytes32.ZERO,
        SUPPORTER,
        "tail-view",
        new PinningJob.Terms("ab".repeat(32), 2, 30),
        PinningJob.Status.REQUESTED,
        List.of(),
        Instant.ofEpochMilli(1_000),
        Instant.ofEpochMilli(2_000),
        Optional.empty(),
        tail);
  }
}
