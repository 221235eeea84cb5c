package io.cairn.cli;

import io.cairn.cli.agent.AgentCommand;
import io.cairn.cli.contracts.ContractsCommand;
import io.cairn.cli.core.CoreCommand;
import io.cairn.cli.event.EventCommand;
import io.cairn.cli.ledger.ChecksumReportCommand;
import io.cairn.cli.ledger.EscrowCommand;
import io.cairn.cli.ledger.MarketCommand;
import io.cairn.cli.ledger.TokenCommand;
import io.cairn.cli.persist.PersistCommand;
import io.cairn.cli.persist.RecoverCommand;
import io.cairn.cli.pinning.PinCommand;
import io.cairn.cli.pinning.ProviderCommand;
import io.cairn.cli.stream.AuthCommand;
import io.cairn.cli.stream.KeyCommand;
import io.cairn.cli.stream.PublishCommand;
import io.cairn.cli.stream.ResendCommand;
import io.cairn.cli.stream.StreamCommand;
import io.cairn.cli.stream.SubscribeCommand;
import io.cairn.client.CairnApiException;
import io.cairn.client.ProofRejectedException;
import io.cairn.node.CairnVersion;
import io.cairn.protocol.Rejection;
import java.io.UncheckedIOException;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: runs a node, and (in later commands) talks to one. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = Cairn.Version.class,
    description = "Persistent, verifiable, tradable data streams on an Apache Pekko cluster.",
    subcommands = {
      NodeCommand.class,
      ContractsCommand.class,
      KeyCommand.class,
      StreamCommand.class,
      PublishCommand.class,
      PersistCommand.class,
      RecoverCommand.class,
      ResendCommand.class,
      SubscribeCommand.class,
      CoreCommand.class,
      EventCommand.class,
      AuthCommand.class,
      TokenCommand.class,
      MarketCommand.class,
      EscrowCommand.class,
      ChecksumReportCommand.class,
      ProviderCommand.class,
      PinCommand.class,
      AgentCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    })
public final class Cairn {

  public static void main(String[] args) {
    useACommonPool();
    // logging set up here, on one thread: set up by the first of the node's threads to log, SLF4J
    // holds back what the others log meanwhile and prints a warning about it on every start
    LoggerFactory.getILoggerFactory();
    System.exit(commandLine().execute(args));
  }

  /**
   * Pekko's asks answer with CompletableFutures that run their callbacks on the JDK's common pool.
   * On a machine with fewer than three cores that pool has one thread, and the JDK then starts a
   * new thread for every callback instead, which costs more than the work. Set before first use.
   */
  static void useACommonPool() {
    String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(property) == null) {
      System.setProperty(
          property, Integer.toString(Math.max(4, Runtime.getRuntime().availableProcessors())));
    }
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Cairn());
    // one line naming the mistake, instead of the whole usage text
    commandLine.setParameterExceptionHandler(
        (error, args) -> {
          CommandLine command = error.getCommandLine();
          command
              .getErr()
              .println(
                  "cairn: "
                      + error.getMessage()
                      + " (see '"
                      + command.getCommandSpec().qualifiedName()
                      + " --help')");
          return 2;
        });
    commandLine.setExecutionExceptionHandler(
        (error, command, parsed) -> {
          command.getErr().println("cairn: " + describe(error));
          command.getErr().flush();
          if (error instanceof CairnApiException || error instanceof Rejection) {
            return EXIT_REJECTED;
          }
          // a malformed key, address or option value given on the command line is a usage mistake
          return error instanceof IllegalArgumentException ? 2 : 1;
        });
    return commandLine;
  }

  /**
   * Exit code of a command the node, or the ledger's contracts on a chain, refused; its error code
   * is printed on stderr.
   */
  public static final int EXIT_REJECTED = 3;

  private static String describe(Exception error) {
    if (error instanceof CairnApiException refused) {
      return "the node refused: " + refused.getMessage();
    }
    if (error instanceof Rejection refused) {
      // a transaction's refusal, decided by the contracts as the embedded ledger decides it
      return refused.code() + ": " + refused.getMessage();
    }
    if (error instanceof ProofRejectedException rejected) {
      return "verification failed: " + rejected.getMessage();
    }
    if (error instanceof UncheckedIOException
        || error instanceof IllegalArgumentException
        || error.getClass().getPackageName().startsWith("io.cairn")) {
      return error.getMessage();
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn " + CairnVersion.current()};
    }
  }
}
