package io.cairn.cli.stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Sessions for tools that speak HTTP themselves, such as curl. */
@Command(
    name = "auth",
    mixinStandardHelpOptions = true,
    description = "Sessions for other HTTP clients.")
public final class AuthCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description =
          "Signs in with --key (locally: the key is never sent) and prints a session token, for"
              + " example for curl -H \"Authorization: Bearer $(cairn auth token)\". It lasts as"
              + " long as the node's cairn.api.session.lifetime (1 hour by default).")
  int token() {
    spec.commandLine().getOut().println(options.authenticated().sessionToken());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
