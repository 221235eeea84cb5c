package io.cairn.api.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.CairnApiException;
import io.cairn.client.CairnClient;
import io.cairn.client.CoreWriter;
import io.cairn.node.TestNode;
import io.cairn.pinning.PinRequests;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning jobs through the public API and the SDK, on a real node on H2. */
class PinApiTest {
  @TempDir static Path data;
  private static TestNode node;
  private static String coreKey;

  private final PrivateKeySigner supporterKey = PrivateKeySigner.generate();

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    CoreWriter core = CoreWriter.open(CairnClient.connect(node.api()), CoreKeyPair.generate());
    core.append("a block worth keeping".getBytes(StandardCharsets.UTF_8));
    coreKey = HexFormat.of().formatHex(core.key());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aSupporterRequestsOnceListsReadsAndCancelsItsJob() throws Exception {
    CairnClient supporter = CairnClient.connect(node.api()).authenticate(supporterKey);
    PinJobView job = supporter.requestPin(coreKey, 3, 30, "first");
    assertEquals(
        PinRequests.jobId(supporterKey.address(), "first").toString(),
        job.getJobId(),
        "the job id is the supporter's and the request id's");
    assertEquals(supporterKey.address().value(), job.getSupporter());
    assertEquals(coreKey, job.getCoreKey());
    assertEquals(3, job.getReplicaCount());
    assertEquals("REQUESTED", job.getState());
    assertEquals(List.of(), job.getReplicasList());
    assertEquals(job.getRequestedAtMs() + Duration.ofDays(30).toMillis(), job.getEndsAtMs());

    assertEquals(job, supporter.requestPin(coreKey, 3, 30, "first"), "a retry: the same job");
    assertEquals(201, post(supporter, "second").statusCode());
    assertEquals(200, post(supporter, "second").statusCode(), "sent again: 200, the same job");
    CairnApiException conflict =
        assertThrows(CairnApiException.class, () -> supporter.requestPin(coreKey, 4, 30, "first"));
    assertEquals(ErrorCode.PIN_REQUEST_CONFLICT.name(), conflict.code());
    assertEquals(409, conflict.status());

    assertEquals(job, CairnClient.connect(node.api()).pin(job.getJobId()), "anyone reads a job");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> supporter.pins().size() == 2);
    assertEquals(job.getJobId(), supporter.pins().get(1).getJobId(), "the newest first");

    CairnClient stranger =
        CairnClient.connect(node.api()).authenticate(PrivateKeySigner.generate());
    CairnApiException notTheirs =
        assertThrows(CairnApiException.class, () -> stranger.cancelPin(job.getJobId()));
    assertEquals(ErrorCode.NOT_PERMITTED.name(), notTheirs.code());
    assertEquals(List.of(), stranger.pins());

    PinJobView cancelled = supporter.cancelPin(job.getJobId());
    assertEquals("CANCELLED", cancelled.getState());
    assertTrue(cancelled.getEndedAtMs() >= job.getRequestedAtMs());
    assertEquals(cancelled, supporter.cancelPin(job.getJobId()), "cancelling again: unchanged");
  }

  @Test
  void badRequestsAreRefusedAndCreateNothing() throws Exception {
    CairnClient supporter = CairnClient.connect(node.api()).authenticate(supporterKey);
    String unknownCore = "ee".repeat(32);
    CairnApiException noCore =
        assertThrows(
            CairnApiException.class, () -> supporter.requestPin(unknownCore, 3, 30, "unknown"));
    assertEquals(ErrorCode.CORE_NOT_FOUND.name(), noCore.code());
    assertEquals(404, noCore.status());
    assertNoJob(PinRequests.jobId(supporterKey.address(), "unknown").toString());

    record Bad(String coreKey, int replicas, int days, String requestId, ErrorCode code) {}
    for (Bad bad :
        List.of(
            new Bad(coreKey, 0, 30, "zero", ErrorCode.INVALID_PIN_REQUEST),
            new Bad(coreKey, 17, 30, "many", ErrorCode.INVALID_PIN_REQUEST),
            new Bad(coreKey, 3, 0, "short", ErrorCode.INVALID_PIN_REQUEST),
            new Bad(coreKey, 3, 3651, "long", ErrorCode.INVALID_PIN_REQUEST),
            new Bad(coreKey, 3, 30, "no spaces", ErrorCode.INVALID_PIN_REQUEST),
            new Bad("12", 3, 30, "short-key", ErrorCode.INVALID_CORE_KEY))) {
      CairnApiException refused =
          assertThrows(
              CairnApiException.class,
              () ->
                  supporter.requestPin(bad.coreKey(), bad.replicas(), bad.days(), bad.requestId()),
              bad.toString());
      assertEquals(bad.code().name(), refused.code(), bad.toString());
      assertEquals(400, refused.status());
      assertNoJob(PinRequests.jobId(supporterKey.address(), bad.requestId()).toString());
    }

    CairnApiException anonymous =
        assertThrows(
            CairnApiException.class,
            () -> CairnClient.connect(node.api()).requestPin(coreKey, 3, 30, "anonymous"));
    assertEquals(401, anonymous.status());
    CairnApiException malformed =
        assertThrows(CairnApiException.class, () -> CairnClient.connect(node.api()).pin("0x12"));
    assertEquals(ErrorCode.MALFORMED_REQUEST.name(), malformed.code());
  }

  private static void assertNoJob(String jobId) {
    CairnApiException none =
        assertThrows(CairnApiException.class, () -> CairnClient.connect(node.api()).pin(jobId));
    assertEquals(ErrorCode.PIN_JOB_NOT_FOUND.name(), none.code());
    assertEquals(404, none.status());
  }

  /** The request as raw HTTP, for its status code, which the SDK does not show. */
  private HttpResponse<String> post(CairnClient supporter, String requestId) throws Exception {
    String body =
        "{\"coreKey\":\"%s\",\"replicas\":2,\"days\":7,\"requestId\":\"%s\"}"
            .formatted(coreKey, requestId);
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(node.api() + "/api/v1/pins"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + supporter.sessionToken())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
