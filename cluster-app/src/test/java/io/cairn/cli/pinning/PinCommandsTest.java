package io.cairn.cli.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.client.CairnClient;
import io.cairn.client.CoreWriter;
import io.cairn.node.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.hypercore.CoreKeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn pin request | status | list | cancel against a real node, with their exit codes. */
class PinCommandsTest {
  @TempDir static Path data;
  private static TestNode node;
  private static String coreKey;
  private static String operatorKey;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
    CoreWriter core = CoreWriter.open(CairnClient.connect(node.api()), CoreKeyPair.generate());
    core.append("pinned block".getBytes(StandardCharsets.UTF_8));
    coreKey = HexFormat.of().formatHex(core.key());
    operatorKey =
        Files.readString(data.resolve("keys/service.key"), StandardCharsets.US_ASCII).strip();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static CairnCommandLine.Result cairn(String... args) {
    return CairnCommandLine.against(node.api(), args);
  }

  private static List<JsonObject> lines(CairnCommandLine.Result result) {
    assertEquals(0, result.exitCode(), result.err());
    return result
        .out()
        .strip()
        .lines()
        .filter(line -> !line.isBlank())
        .map(line -> JsonParser.parseString(line).getAsJsonObject())
        .toList();
  }

  private static JsonObject ok(CairnCommandLine.Result result) {
    List<JsonObject> lines = lines(result);
    assertEquals(1, lines.size(), result.out());
    return lines.get(0);
  }

  private static void refused(String code, CairnCommandLine.Result result) {
    assertEquals(3, result.exitCode(), result.err());
    assertTrue(result.err().startsWith("cairn: the node refused: " + code + ": "), result.err());
  }

  @Test
  void aSupporterRequestsWithABudgetListsShowsAndCancels() {
    PrivateKeySigner supporter = PrivateKeySigner.generate();
    String key = supporter.toHex();
    ok(cairn("token", "mint", supporter.address().value(), "100", "--key", operatorKey));

    List<JsonObject> requested =
        lines(
            cairn(
                "pin",
                "request",
                coreKey,
                "--replicas",
                "3",
                "--days",
                "30",
                "--budget",
                "40",
                "--request-id",
                "cli-1",
                "--key",
                key));
    assertEquals(2, requested.size(), "the job, then its escrow: " + requested);
    JsonObject job = requested.get(0);
    String jobId = job.get("jobId").getAsString();
    assertEquals("REQUESTED", job.get("state").getAsString());
    assertEquals(3, job.get("replicaCount").getAsInt());
    JsonObject escrow = requested.get(1);
    assertEquals(jobId, escrow.get("jobId").getAsString());
    assertEquals("40", escrow.get("balance").getAsString());
    assertEquals(escrow, ok(cairn("escrow", "show", jobId)), "the deposit is the job's escrow");

    assertEquals(
        job,
        ok(
            cairn(
                "pin",
                "request",
                coreKey,
                "--replicas",
                "3",
                "--days",
                "30",
                "--request-id",
                "cli-1",
                "--key",
                key)),
        "the same request id: the same job");
    JsonObject another =
        ok(cairn("pin", "request", coreKey, "--replicas", "1", "--days", "1", "--key", key));
    assertTrue(!another.get("jobId").getAsString().equals(jobId), "a random request id: new job");

    assertEquals(job, ok(cairn("pin", "status", jobId)));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lines(cairn("pin", "list", "--key", key)).size() == 2);
    assertEquals(
        List.of(another.get("jobId").getAsString(), jobId),
        lines(cairn("pin", "list", "--key", key)).stream()
            .map(listed -> listed.get("jobId").getAsString())
            .toList());

    refused(
        "NOT_PERMITTED",
        cairn("pin", "cancel", jobId, "--key", PrivateKeySigner.generate().toHex()));
    assertEquals(
        "CANCELLED", ok(cairn("pin", "cancel", jobId, "--key", key)).get("state").getAsString());
  }

  @Test
  void mistakesAreUsageErrorsAndRefusalsNameTheirCode() {
    String key = PrivateKeySigner.generate().toHex();
    CairnCommandLine.Result noDays =
        cairn("pin", "request", coreKey, "--replicas", "3", "--key", key);
    assertEquals(2, noDays.exitCode(), noDays.err());
    CairnCommandLine.Result notAJob = cairn("pin", "status", "0x12");
    assertEquals(2, notAJob.exitCode(), notAJob.err());
    CairnCommandLine.Result badBudget =
        cairn(
            "pin",
            "request",
            coreKey,
            "--replicas",
            "3",
            "--days",
            "3",
            "--budget",
            "lots",
            "--key",
            key);
    assertEquals(2, badBudget.exitCode(), badBudget.err());

    refused(
        "INVALID_PIN_REQUEST",
        cairn("pin", "request", coreKey, "--replicas", "0", "--days", "30", "--key", key));
    refused(
        "CORE_NOT_FOUND",
        cairn("pin", "request", "ee".repeat(32), "--replicas", "3", "--days", "30", "--key", key));
    refused("PIN_JOB_NOT_FOUND", cairn("pin", "status", "0x" + "ab".repeat(32)));
  }
}
