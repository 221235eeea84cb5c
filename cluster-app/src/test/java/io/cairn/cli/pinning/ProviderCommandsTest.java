package io.cairn.cli.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cairn.cli.CairnCommandLine;
import io.cairn.node.TestNode;
import io.cairn.protocol.event.PrivateKeySigner;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn provider register | status | exit against a real node, with their exit codes. */
class ProviderCommandsTest {
  @TempDir static Path data;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static CairnCommandLine.Result cairn(String... args) {
    return CairnCommandLine.against(node.api(), args);
  }

  private static JsonObject ok(CairnCommandLine.Result result) {
    assertEquals(0, result.exitCode(), result.err());
    return JsonParser.parseString(result.out().strip()).getAsJsonObject();
  }

  @Test
  void anAgentRegistersShowsItselfAndLeaves() {
    PrivateKeySigner agent = PrivateKeySigner.generate();
    String key = agent.toHex();
    JsonObject registered =
        ok(
            cairn(
                "provider",
                "register",
                "--key",
                key,
                "--role",
                "hoster",
                "--role",
                "Encoder",
                "--capacity",
                "10GiB",
                "--operator",
                "acme",
                "--region",
                "eu-west"));
    assertEquals(agent.address().value(), registered.get("address").getAsString());
    assertEquals("10737418240", registered.get("capacityBytes").getAsString());
    assertEquals("[\"encoder\",\"hoster\"]", registered.get("roles").toString());

    assertEquals(registered, ok(cairn("provider", "status", agent.address().value())));
    assertEquals(registered, ok(cairn("provider", "status", "--key", key)));
    assertEquals("exited", ok(cairn("provider", "exit", "--key", key)).get("status").getAsString());

    CairnCommandLine.Result again =
        cairn(
            "provider",
            "register",
            "--key",
            key,
            "--role",
            "hoster",
            "--capacity",
            "1GiB",
            "--operator",
            "acme",
            "--region",
            "eu-west");
    assertEquals(3, again.exitCode(), again.err());
    assertTrue(again.err().startsWith("cairn: the node refused: PROVIDER_EXITED: "), again.err());
  }

  @Test
  void mistakesAreUsageErrorsAndRefusalsNameTheirCode() {
    String key = PrivateKeySigner.generate().toHex();
    CairnCommandLine.Result noUnit =
        cairn(
            "provider",
            "register",
            "--key",
            key,
            "--role",
            "hoster",
            "--capacity",
            "lots",
            "--operator",
            "acme",
            "--region",
            "eu-west");
    assertEquals(2, noUnit.exitCode(), noUnit.err());
    assertTrue(noUnit.err().contains("'lots' is not a size"), noUnit.err());

    CairnCommandLine.Result noCapacity =
        cairn(
            "provider",
            "register",
            "--key",
            key,
            "--role",
            "hoster",
            "--operator",
            "acme",
            "--region",
            "eu-west");
    assertEquals(3, noCapacity.exitCode(), noCapacity.err());
    assertTrue(
        noCapacity.err().startsWith("cairn: the node refused: INVALID_PROVIDER: "),
        noCapacity.err());

    CairnCommandLine.Result notAnAddress = cairn("provider", "status", "0x12");
    assertEquals(2, notAnAddress.exitCode(), notAnAddress.err());

    CairnCommandLine.Result unknown =
        cairn("provider", "status", PrivateKeySigner.generate().address().value());
    assertEquals(3, unknown.exitCode(), unknown.err());
    assertTrue(
        unknown.err().startsWith("cairn: the node refused: PROVIDER_NOT_FOUND: "), unknown.err());
  }
}
