package io.cairn.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: runs a node, and (in later commands) talks to one. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = Cairn.Version.class,
    description = "Persistent, verifiable, tradable data streams on an Apache Pekko cluster.",
    subcommands = {NodeCommand.class, CommandLine.HelpCommand.class})
public final class Cairn {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Cairn());
    // one line naming the mistake, instead of the whole usage text
    commandLine.setParameterExceptionHandler((error, args) -> {
      CommandLine command = error.getCommandLine();
      command.getErr().println("cairn: " + error.getMessage()
          + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
      return 2;
    });
    return commandLine;
  }

  static String version() {
    String version = Cairn.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn " + version()};
    }
  }
}
