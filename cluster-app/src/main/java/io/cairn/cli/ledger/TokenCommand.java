package io.cairn.cli.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.cli.terminal.AddressArgument;
import io.cairn.cli.terminal.JsonLines;
import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "The ledger's token: balances, transfers and (by the ledger's operator) mints. Amounts are"
          + " whole token units. Operations are signed locally with --key and need no session: a"
          + " request to the node when its ledger is embedded, a transaction to the contracts at"
          + " --chain when it is on a chain."
    })
public final class TokenCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "balance",
      mixinStandardHelpOptions = true,
      description = "Prints an account's balance and the last nonce it used.")
  int balance(
      @Parameters(
              arity = "0..1",
              paramLabel = "ADDRESS",
              converter = AddressArgument.class,
              description = "Whose (default: the address of --key).")
          EthereumAddress address)
      throws InvalidProtocolBufferException {
    EthereumAddress account = address == null ? options.signer().address() : address;
    return JsonLines.print(spec, options.client().ledger().account(account));
  }

  @Command(
      name = "transfer",
      mixinStandardHelpOptions = true,
      description = "Sends AMOUNT of --key's tokens to ADDRESS; prints the receipt.")
  int transfer(
      @Parameters(
              index = "0",
              paramLabel = "ADDRESS",
              converter = AddressArgument.class,
              description = "Who receives them.")
          EthereumAddress to,
      @Parameters(
              index = "1",
              paramLabel = "AMOUNT",
              converter = LedgerArguments.Amount.class,
              description = "Whole token units.")
          BigInteger amount,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, writes.write(options, ledger -> ledger.transfer(to, amount)));
  }

  @Command(
      name = "mint",
      mixinStandardHelpOptions = true,
      description = {
        "Makes AMOUNT new tokens for ADDRESS; prints the receipt. Only the ledger's operator may: the"
            + " cluster's service key, --key $(cat <node data dir>/keys/service.key) on a node on the"
            + " embedded journal (cairn.service.key-file otherwise); on a chain, a holder of the"
            + " token's MINTER_ROLE."
      })
  int mint(
      @Parameters(
              index = "0",
              paramLabel = "ADDRESS",
              converter = AddressArgument.class,
              description = "Who receives them.")
          EthereumAddress to,
      @Parameters(
              index = "1",
              paramLabel = "AMOUNT",
              converter = LedgerArguments.Amount.class,
              description = "Whole token units.")
          BigInteger amount,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, writes.write(options, ledger -> ledger.mint(to, amount)));
  }
}
