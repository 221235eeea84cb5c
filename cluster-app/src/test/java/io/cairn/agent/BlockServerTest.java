package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.Proof;
import io.cairn.protocol.hypercore.ProofVerifier;
import io.cairn.protocol.hypercore.TreeHead;
import io.cairn.protocol.hypercore.VerificationResult;
import io.cairn.protocol.pinning.Sealer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hoster's block server, over real HTTP: a reader verifies what it serves from nothing. */
class BlockServerTest {
  @TempDir Path data;

  private final PrivateKeySigner hoster = PrivateKeySigner.generate();
  private final SealFixture fixture = new SealFixture(25);
  private BlockServer server;

  @BeforeEach
  void start() {
    SealTask task = fixture.task(hoster.address(), AgentRole.HOSTER, new byte[32], 0);
    SealAssignment assignment = SealAssignment.of(task);
    Sealer.SealedReplica sealed = SectorSealer.seal(assignment, fixture.blocks);
    ReplicaStore.open(data, hoster.address())
        .saveHosted(
            task, assignment, SectorSealer.commit(hoster, sealed), sealed.tree(), fixture.sector());
    // served by a store opened afresh, as after a restart
    server =
        BlockServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            ReplicaStore.open(data, hoster.address()),
            hoster);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyBlockVerifiesAgainstThePublishersKey() {
    CairnClient reader = CairnClient.connect(server.uri());
    ProofVerifier verifier = new ProofVerifier(fixture.core.identity());
    for (int i = 0; i < fixture.blocks.size(); i++) {
      Proof proof = reader.block(fixture.key(), i, 0);
      VerificationResult result = verifier.verify(proof, TreeHead.EMPTY);
      assertTrue(result.accepted(), result.toString());
      assertArrayEquals(fixture.blocks.get(i), proof.block().value());
      assertEquals(
          fixture.core.head().length(), ((VerificationResult.Accepted) result).head().length());
    }
  }

  @Test
  void whatItDoesNotKeepOrServeIsRefusedWithTheNodesErrors() throws Exception {
    CairnClient reader = CairnClient.connect(server.uri());
    CairnApiException missing =
        org.junit.jupiter.api.Assertions.assertThrows(
            CairnApiException.class, () -> reader.block(fixture.key(), fixture.blocks.size(), 0));
    assertEquals(404, missing.status());
    assertEquals("BLOCK_NOT_FOUND", missing.code());
    CairnApiException otherCore =
        org.junit.jupiter.api.Assertions.assertThrows(
            CairnApiException.class, () -> reader.block(new byte[32], 0, 0));
    assertEquals("BLOCK_NOT_FOUND", otherCore.code());
    CairnApiException upgraded =
        org.junit.jupiter.api.Assertions.assertThrows(
            CairnApiException.class, () -> reader.block(fixture.key(), 0, 5));
    assertEquals("MALFORMED_REQUEST", upgraded.code());

    HttpClient http = HttpClient.newHttpClient();
    String key = java.util.HexFormat.of().formatHex(fixture.key());
    HttpResponse<String> json =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/api/v1/cores/" + key + "/blocks/0"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, json.statusCode());
    assertTrue(json.body().contains("raw only"), json.body());
    HttpResponse<String> elsewhere =
        http.send(
            HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/streams")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, elsewhere.statusCode());
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(
                    server.uri().resolve("/api/v1/cores/" + key + "/blocks/0?format=raw"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }
}
