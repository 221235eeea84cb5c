package io.cairn.cli.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.cli.terminal.AddressArgument;
import io.cairn.cli.terminal.JsonLines;
import io.cairn.protocol.EthereumAddress;
import io.cairn.protocol.api.v1.Beneficiary;
import io.cairn.protocol.api.v1.LicenceView;
import io.cairn.protocol.api.v1.ProductTerms;
import io.cairn.protocol.api.v1.ProductView;
import io.cairn.protocol.event.PrivateKeySigner;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "market",
    mixinStandardHelpOptions = true,
    description = {
      "The data market: products over streams and cores, sold by the second. A licence bought"
          + " becomes the buyer's subscribe permission on the product's streams until it ends."
          + " Operations are signed locally with --key and need no session: a request to the node"
          + " when its ledger is embedded, a transaction to the contracts at --chain when it is on"
          + " a chain."
    })
public final class MarketCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Offers a product owned by --key: its streams and cores, a price per second and the shortest"
            + " new licence. Prints the product with its productId. Its owner must be able to grant"
            + " subscribe on its streams (their owner, or a holder of grant)."
      })
  int create(
      @Option(
              names = "--stream",
              paramLabel = "ID",
              description = "A stream the product sells (repeatable).")
          List<String> streams,
      @Option(
              names = "--core",
              paramLabel = "KEY",
              description = "A core the product sells, its public key in hex (repeatable).")
          List<String> cores,
      @Option(
              names = "--price-per-second",
              required = true,
              paramLabel = "N",
              converter = LedgerArguments.Amount.class,
              description = "Whole token units per second of licence, above 0.")
          BigInteger pricePerSecond,
      @Option(
              names = "--min-seconds",
              required = true,
              paramLabel = "S",
              description = "The shortest new licence, in seconds.")
          long minimumSeconds,
      @Option(
              names = "--beneficiary",
              paramLabel = "ADDRESS[:SHARES]",
              converter = LedgerArguments.Payee.class,
              description =
                  "Who is paid, by shares of each sale (repeatable; default: --key's address, 1"
                      + " share).")
          List<Beneficiary> beneficiaries,
      @Option(
              names = "--terms-hash",
              paramLabel = "0xHASH",
              converter = LedgerArguments.Hash.class,
              description = "SHA-256 or keccak-256 of the terms of use (default: 0x00…00, none).")
          Bytes32 termsHash,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    List<String> sold = streams == null ? List.of() : streams;
    List<String> keys = cores == null ? List.of() : cores;
    if (sold.isEmpty() && keys.isEmpty()) {
      throw new IllegalArgumentException("name what the product sells: --stream ID, --core KEY");
    }
    if (minimumSeconds < 0) {
      throw new IllegalArgumentException("--min-seconds is not negative");
    }
    PrivateKeySigner seller = options.signer();
    ProductTerms terms =
        ProductTerms.newBuilder()
            .addAllStreams(sold)
            .addAllCores(keys)
            .setPricePerSecond(pricePerSecond.toString())
            .setMinimumSeconds(minimumSeconds)
            .setTermsHash((termsHash == null ? Bytes32.ZERO : termsHash).toString())
            .addAllBeneficiaries(
                beneficiaries == null
                    ? List.of(
                        Beneficiary.newBuilder()
                            .setAddress(seller.address().value())
                            .setShares(1)
                            .build())
                    : beneficiaries)
            .build();
    return JsonLines.print(spec, writes.write(options, ledger -> ledger.createProduct(terms)));
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists every product, one JSON object per line, in order of creation.")
  int list() throws InvalidProtocolBufferException {
    for (ProductView product : options.client().ledger().products()) {
      JsonLines.print(spec, product);
    }
    return 0;
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Prints a product: its owner and terms.")
  int show(@Parameters(paramLabel = "PRODUCT", description = "The product's id.") long product)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, options.client().ledger().product(product));
  }

  @Command(
      name = "buy",
      mixinStandardHelpOptions = true,
      description = {
        "Buys SECONDS of licence to PRODUCT with --key's tokens (price per second × seconds): an"
            + " active licence is extended from its end, otherwise a new one of at least the product's"
            + " minimum starts now. Prints the licence with its end (Unix seconds)."
      })
  int buy(
      @Parameters(paramLabel = "PRODUCT", description = "The product's id.") long product,
      @Option(
              names = "--seconds",
              required = true,
              paramLabel = "S",
              description = "How long, in seconds.")
          long seconds,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, writes.write(options, ledger -> ledger.buy(product, seconds)));
  }

  @Command(
      name = "licences",
      mixinStandardHelpOptions = true,
      description = {
        "Lists every licence an address ever had, one JSON object per line: the product, its end"
            + " (Unix seconds) and whether it is active now."
      })
  int licences(
      @Parameters(
              arity = "0..1",
              paramLabel = "ADDRESS",
              converter = AddressArgument.class,
              description = "Whose (default: the address of --key).")
          EthereumAddress address)
      throws InvalidProtocolBufferException {
    EthereumAddress buyer = address == null ? options.signer().address() : address;
    for (LicenceView licence : options.client().ledger().licences(buyer)) {
      JsonLines.print(spec, licence);
    }
    return 0;
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description =
          "Gives ADDRESS SECONDS of licence to PRODUCT without payment (the product's owner only).")
  int grant(
      @Parameters(index = "0", paramLabel = "PRODUCT", description = "The product's id.")
          long product,
      @Parameters(
              index = "1",
              paramLabel = "ADDRESS",
              converter = AddressArgument.class,
              description = "Who gets it.")
          EthereumAddress buyer,
      @Option(
              names = "--seconds",
              required = true,
              paramLabel = "S",
              description = "How long, in seconds.")
          long seconds,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    return JsonLines.print(
        spec, writes.write(options, ledger -> ledger.grantLicence(product, buyer, seconds)));
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Ends ADDRESS's licence to PRODUCT now (the product's owner only); its access ends with it.")
  int revoke(
      @Parameters(index = "0", paramLabel = "PRODUCT", description = "The product's id.")
          long product,
      @Parameters(
              index = "1",
              paramLabel = "ADDRESS",
              converter = AddressArgument.class,
              description = "Whose licence.")
          EthereumAddress buyer,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    return JsonLines.print(
        spec, writes.write(options, ledger -> ledger.revokeLicence(product, buyer)));
  }
}
