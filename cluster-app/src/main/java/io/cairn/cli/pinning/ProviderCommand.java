package io.cairn.cli.pinning;

import com.google.protobuf.InvalidProtocolBufferException;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.cairn.cli.ledger.LedgerArguments;
import io.cairn.cli.ledger.LedgerWrites;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.cli.terminal.AddressArgument;
import io.cairn.cli.terminal.JsonLines;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.ProviderRegistration;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(
    name = "provider",
    mixinStandardHelpOptions = true,
    description = {
      "Storage providers: the hoster, encoder and attester agents that keep pinned cores. A"
          + " provider is its own key (--key): it registers, changes its terms and leaves signed in"
          + " with that key. Prints the provider as JSON."
    })
public final class ProviderCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "stake",
      mixinStandardHelpOptions = true,
      description = {
        "Adds AMOUNT of --key's tokens to its stake on the ledger; prints the receipt, whose"
            + " Staked event holds the stake after it. A provider registers only with at least"
            + " cairn.pinning.stake.minimum staked, and selection weighs it by its stake up to"
            + " cairn.pinning.stake.target."
      })
  int stake(
      @Parameters(
              paramLabel = "AMOUNT",
              converter = LedgerArguments.Amount.class,
              description = "Whole token units.")
          BigInteger amount,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, writes.write(options, ledger -> ledger.stake(amount)));
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Registers --key as a provider, or changes its terms; the same terms again change nothing."
      })
  int register(
      @Option(
              names = "--role",
              required = true,
              paramLabel = "ROLE",
              description = "hoster, encoder or attester (repeatable).")
          List<String> roles,
      @Option(
              names = "--capacity",
              paramLabel = "SIZE",
              defaultValue = "0",
              converter = Size.class,
              description =
                  "What it offers to hold, in bytes or with a unit (10GiB, 500MB); above 0 for a"
                      + " hoster (default: ${DEFAULT-VALUE}).")
          long capacityBytes,
      @Option(
              names = "--operator",
              required = true,
              paramLabel = "NAME",
              description = "Who runs it: one job's replicas go to different operators.")
          String operator,
      @Option(
              names = "--region",
              required = true,
              paramLabel = "NAME",
              description =
                  "Where it runs, as in eu-west: one job's replicas spread across regions.")
          String region)
      throws InvalidProtocolBufferException {
    ProviderRegistration registration =
        ProviderRegistration.newBuilder()
            .addAllRoles(roles.stream().map(role -> role.strip().toLowerCase(Locale.ROOT)).toList())
            .setCapacityBytes(capacityBytes)
            .setOperator(operator)
            .setRegion(region)
            .build();
    return JsonLines.print(spec, options.authenticated().registerProvider(registration));
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Prints a provider: its roles, capacity, operator, region and status.")
  int status(
      @Parameters(
              arity = "0..1",
              paramLabel = "ADDRESS",
              converter = AddressArgument.class,
              description = "Which (default: the address of --key).")
          EthereumAddress address)
      throws InvalidProtocolBufferException {
    EthereumAddress provider = address == null ? options.signer().address() : address;
    return JsonLines.print(spec, options.client().provider(provider));
  }

  @Command(
      name = "exit",
      mixinStandardHelpOptions = true,
      description = {
        "--key leaves for good: it takes no new work, and its replicas move to other hosters. A"
            + " provider that left cannot register again under that key."
      })
  int exit() throws InvalidProtocolBufferException {
    return JsonLines.print(spec, options.authenticated().exitProvider());
  }

  /** A byte count, bare or with a unit as HOCON reads it (10GiB, 500MB, 1024). */
  public static final class Size implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return ConfigFactory.parseString("size = \"" + value.strip() + "\"").getBytes("size");
      } catch (ConfigException malformed) {
        throw new TypeConversionException(
            "'" + value + "' is not a size: a number of bytes, or one with a unit as in 10GiB");
      }
    }
  }
}
