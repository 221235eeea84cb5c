package io.cairn.cli.agent;

import com.google.gson.JsonObject;
import io.cairn.agent.AgentRole;
import io.cairn.agent.AgentRuntime;
import io.cairn.agent.AgentSettings;
import io.cairn.agent.CheatMode;
import io.cairn.cli.pinning.ProviderCommand;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a pinning agent until stopped (SIGTERM or Ctrl-C end it cleanly): its own process,"
          + " with its own key and data directory, talking to the cluster only through the public"
          + " API. It signs in, registers as a provider, and polls its tasks."
    },
    subcommands = {
      AgentCommand.Hoster.class,
      AgentCommand.Encoder.class,
      AgentCommand.Attester.class
    })
public final class AgentCommand {

  @Command(
      name = "hoster",
      mixinStandardHelpOptions = true,
      description = {
        "Seals the replicas the cluster assigns it from blocks it verifies against the"
            + " publisher's signature, keeps each replica and the plain blocks in --data, answers"
            + " the storage challenges, and with --serve serves the blocks to readers. Prints one"
            + " JSON line when it runs, then logs."
      })
  static final class Hoster implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AgentOptions options;

    @Option(
        names = "--capacity",
        required = true,
        paramLabel = "SIZE",
        converter = ProviderCommand.Size.class,
        description = "What it offers to hold, in bytes or with a unit (10GiB, 500MB).")
    long capacityBytes;

    @Option(
        names = "--serve",
        paramLabel = "HOST:PORT",
        converter = ServeAddress.class,
        description =
            "Serves the blocks it keeps on GET /api/v1/cores/{key}/blocks/{i}?format=raw here, as"
                + " the node does (port 0: any free port), and registers it as where readers and"
                + " attesters fetch them; a hoster that serves nowhere grades 0 when checked.")
    InetSocketAddress serve;

    @Option(
        names = "--cheat",
        hidden = true,
        paramLabel = "MODE",
        description =
            "For tests only: delete-fraction=F, share-replica=DIR, reseal-on-demand, stale-path or"
                + " silent.")
    String cheat;

    @Override
    public Integer call() throws InterruptedException {
      CheatMode mode = cheat == null ? new CheatMode.Honest() : CheatMode.parse(cheat);
      return run(
          spec,
          options.settings(AgentRole.HOSTER, capacityBytes, Optional.ofNullable(serve), mode));
    }
  }

  @Command(
      name = "encoder",
      mixinStandardHelpOptions = true,
      description = {
        "The witness: seals the same replica as a hoster from blocks it verifies itself, and"
            + " commits to its root; keeps only its signed commitments in --data. Prints one JSON"
            + " line when it runs, then logs."
      })
  static final class Encoder implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AgentOptions options;

    @Override
    public Integer call() throws InterruptedException {
      return run(
          spec, options.settings(AgentRole.ENCODER, 0, Optional.empty(), new CheatMode.Honest()));
    }
  }

  @Command(
      name = "attester",
      mixinStandardHelpOptions = true,
      description = {
        "Makes the service checks the cluster draws for it: fetches the assigned blocks from each"
            + " hoster's serve URL as a reader would, verifies them against the publisher's"
            + " signature, times the first byte and the rate, and reports with the hoster's signed"
            + " proofs of contact. Keeps nothing in --data. Prints one JSON line when it runs, then"
            + " logs."
      })
  static final class Attester implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AgentOptions options;

    @Option(
        names = "--cheat",
        hidden = true,
        paramLabel = "MODE",
        description = "For tests only: lazy (reports made-up timings without fetching).")
    String cheat;

    @Override
    public Integer call() throws InterruptedException {
      CheatMode mode = cheat == null ? new CheatMode.Honest() : CheatMode.parse(cheat);
      return run(spec, options.settings(AgentRole.ATTESTER, 0, Optional.empty(), mode));
    }
  }

  private static int run(CommandSpec spec, AgentSettings settings) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    try (AgentRuntime agent = AgentRuntime.start(settings)) {
      JsonObject started = new JsonObject();
      started.addProperty("address", agent.provider().getAddress());
      started.addProperty("role", settings.role().registered());
      started.addProperty("node", settings.node().toString());
      started.addProperty("data", settings.data().toAbsolutePath().toString());
      agent.serving().ifPresent(uri -> started.addProperty("serving", uri.toString()));
      spec.commandLine().getOut().println(started);
      spec.commandLine().getOut().flush();
      Signal.handle(new Signal("TERM"), received -> stop.countDown());
      Signal.handle(new Signal("INT"), received -> stop.countDown());
      agent.run(stop);
    }
    return 0;
  }
}
