package io.cairn.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cli.CairnCommandLine;
import io.cairn.protocol.event.PrivateKeySigner;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cairn agent hoster|encoder refuses what it cannot run with at once: one line on stderr and the
 * documented exit code (2 a usage mistake, 1 a local problem or a node it cannot reach).
 */
class AgentCommandTest {
  @TempDir Path work;

  private final String key = PrivateKeySigner.generate().toHex();

  /** A hoster's arguments with {@code changes} as NAME VALUE pairs replacing or adding options. */
  private List<String> hoster(String node, String... changes) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                "hoster",
                "--node",
                node,
                "--key",
                key,
                "--data",
                work.resolve("data").toString(),
                "--capacity",
                "1GiB",
                "--operator",
                "acme",
                "--region",
                "eu-west"));
    for (int i = 0; i < changes.length; i += 2) {
      int at = args.indexOf(changes[i]);
      if (changes[i + 1] == null) {
        args.remove(at + 1);
        args.remove(at);
      } else if (at < 0) {
        args.add(changes[i]);
        args.add(changes[i + 1]);
      } else {
        args.set(at + 1, changes[i + 1]);
      }
    }
    return args;
  }

  private static CairnCommandLine.Result cairn(List<String> args) {
    return CairnCommandLine.run(args.toArray(String[]::new));
  }

  private static void fails(int exitCode, String start, CairnCommandLine.Result result) {
    assertEquals(exitCode, result.exitCode(), result.err());
    assertTrue(result.err().startsWith(start), result.err());
    assertEquals(1, result.err().strip().lines().count(), "one line: " + result.err());
  }

  /** A port nothing listens on. */
  private static String closedNode() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Test
  void aBadKeyIsAUsageMistakeAndNeverEchoed() throws Exception {
    String node = closedNode();
    CairnCommandLine.Result garbage = cairn(hoster(node, "--key", "not-a-key-1234"));
    fails(2, "cairn: --key is neither a private key (64 hex digits) nor a file", garbage);
    assertFalse(garbage.err().contains("not-a-key-1234"));

    CairnCommandLine.Result offCurve = cairn(hoster(node, "--key", "00".repeat(32)));
    fails(2, "cairn: a secp256k1 private key must lie in 1..n-1", offCurve);

    Path notAKey = Files.writeString(work.resolve("agent.key"), "hello\n");
    fails(
        2,
        "cairn: --key " + notAKey + " does not hold a private key",
        cairn(hoster(node, "--key", notAKey.toString())));

    CairnCommandLine.Result none = cairn(hoster(node, "--key", ""));
    fails(2, "cairn: an agent needs --key HEX_OR_FILE or CAIRN_KEY", none);
  }

  @Test
  void anUnusableDataDirectoryIsALocalProblem() throws Exception {
    Path file = Files.writeString(work.resolve("a-file"), "not a directory");
    fails(
        1,
        "cairn: cannot use --data " + file,
        cairn(hoster(closedNode(), "--data", file.toString())));
  }

  @Test
  void aNodeThatCannotBeReachedAtStartEndsTheAgent() throws Exception {
    String node = closedNode();
    Path keyFile = Files.writeString(work.resolve("agent.key"), key + "\n");
    fails(
        1,
        "cairn: cannot reach the Cairn node at " + node,
        cairn(hoster(node, "--key", keyFile.toString())));
    List<String> encoder =
        List.of(
            "agent",
            "encoder",
            "--node",
            node,
            "--key",
            key,
            "--data",
            work.resolve("encoder").toString(),
            "--operator",
            "acme",
            "--region",
            "eu-west");
    fails(1, "cairn: cannot reach the Cairn node at " + node, cairn(encoder));
  }

  @Test
  void malformedOptionsAreUsageMistakes() throws Exception {
    String node = closedNode();
    fails(
        2,
        "cairn: Missing required option: '--capacity=SIZE'",
        cairn(hoster(node, "--capacity", null)));
    fails(
        2,
        "cairn: Invalid value for option '--capacity'",
        cairn(hoster(node, "--capacity", "lots")));
    fails(
        2, "cairn: Invalid value for option '--serve'", cairn(hoster(node, "--serve", "nowhere")));
    fails(
        2, "cairn: Invalid value for option '--serve'", cairn(hoster(node, "--serve", "h:70000")));
    fails(2, "cairn: --poll 'often' is not a duration", cairn(hoster(node, "--poll", "often")));
    fails(2, "cairn: 'lie' is no cheat mode", cairn(hoster(node, "--cheat", "lie")));
    fails(
        2,
        "cairn: delete-fraction takes a fraction in (0, 1]",
        cairn(hoster(node, "--cheat", "delete-fraction=2")));
    fails(2, "cairn: Missing required option: '--data=DIR'", cairn(hoster(node, "--data", null)));
  }

  @Test
  void theCheatingModesAreHiddenFromHelp() {
    CairnCommandLine.Result help = CairnCommandLine.run("agent", "hoster", "--help");
    assertEquals(0, help.exitCode(), help.err());
    assertTrue(help.out().contains("--serve"), help.out());
    assertFalse(help.out().contains("--cheat"), help.out());
    assertTrue(
        Arrays.stream(CairnCommandLine.run("agent", "--help").out().split("\\s+"))
            .anyMatch("encoder"::equals));
  }
}
