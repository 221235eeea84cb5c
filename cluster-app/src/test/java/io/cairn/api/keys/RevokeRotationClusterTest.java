package io.cairn.api.keys;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.cluster.ClusterNodes;
import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import io.cairn.node.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revoking subscribe while no node can host the stream's key custodian, on two nodes and
 * PostgreSQL: the answer says the rotation is pending, and once a node that hosts custodians is
 * back the rotation happens by itself, no one revoking again.
 */
class RevokeRotationClusterTest {
  /**
   * The node that serves the API and runs the projections: asks and retries short, so that the test
   * does not wait out production's patience.
   */
  private static final Map<String, Object> API_NODE =
      Map.of(
          "cairn.node.roles", List.of("api", "stream", "core"),
          "cairn.keys.ask-timeout", "2s",
          "cairn.keys.revoke-rotation-wait", "8s",
          "pekko.projection.restart-backoff.min-backoff", "200ms",
          "pekko.projection.restart-backoff.max-backoff", "1s");

  private static final Map<String, Object> CUSTODIAN_NODE =
      Map.of("cairn.node.roles", List.of("persistor"));

  @TempDir Path data;

  @Test
  void aRotationThatCouldNotBeDoneAtFirstIsDoneWhenTheCustodianIsBack() throws Exception {
    JournalSettings journal = TestDatabases.postgres();
    try (ClusterNodes cluster =
        ClusterNodes.start(1, TestNode.wholeNodes(journal, data, API_NODE))) {
      ActorTestKit custodians = cluster.join(TestNode.wholeNodes(journal, data, CUSTODIAN_NODE));
      PrivateKeySigner ownerWallet = PrivateKeySigner.generate();
      PrivateKeySigner reader = PrivateKeySigner.generate();
      String stream = ownerWallet.address() + "/rotated-later";
      CairnClient owner =
          CairnClient.connect(TestNode.of(cluster.node(0)).api()).authenticate(ownerWallet);
      owner.createStream(stream, "", 1);
      owner.grant(stream, reader.address(), "subscribe");
      String first = owner.appointCustodian(stream).getCurrentGroupKeyId();

      cluster.crash(custodians);
      assertEquals(
          "pending",
          owner.revoke(stream, reader.address(), "subscribe").getKeyRotation(),
          "no node can host the custodian: the revocation stands, its rotation waits");

      cluster.join(TestNode.wholeNodes(journal, data, CUSTODIAN_NODE));
      String rotated =
          await()
              .atMost(Duration.ofSeconds(60))
              // while the new node joins, the custodian's shard is being handed over: asks time out
              .ignoreExceptionsMatching(
                  failure ->
                      failure instanceof CairnApiException refused
                          && refused.code().equals("UNAVAILABLE"))
              .until(
                  () -> owner.custodian(stream).getCurrentGroupKeyId(),
                  current -> !current.equals(first));
      assertNotEquals(first, rotated);

      owner.grant(stream, reader.address(), "subscribe");
      assertEquals(
          "done",
          owner.revoke(stream, reader.address(), "subscribe").getKeyRotation(),
          "with the custodian up, the answer comes once the key rotated");
      assertNotEquals(rotated, owner.custodian(stream).getCurrentGroupKeyId());
    }
  }
}
