package io.cairn.cli.stream;

import io.cairn.protocol.event.PrivateKeySigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Ethereum keys for publishing and managing streams.")
public final class KeyCommand {
  @Spec CommandSpec spec;

  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = "Prints a new private key and its address.")
  int create(
      @Option(
              names = "--private-key",
              description =
                  "Print the private key alone, for a shell variable (its address: cairn key"
                      + " address).")
          boolean privateKeyOnly) {
    PrivateKeySigner key = PrivateKeySigner.generate();
    spec.commandLine()
        .getOut()
        .println(
            privateKeyOnly
                ? key.toHex()
                : "{\"privateKey\":\"" + key.toHex() + "\",\"address\":\"" + key.address() + "\"}");
    return 0;
  }

  @Command(
      name = "address",
      mixinStandardHelpOptions = true,
      description = "Prints the address of a private key.")
  int address(
      @Option(
              names = "--key",
              required = true,
              paramLabel = "HEX",
              defaultValue = "${CAIRN_KEY}",
              description = "Ethereum private key, 64 hex digits (env CAIRN_KEY).")
          String key) {
    spec.commandLine().getOut().println(PrivateKeySigner.fromHex(key.trim()).address());
    return 0;
  }
}
