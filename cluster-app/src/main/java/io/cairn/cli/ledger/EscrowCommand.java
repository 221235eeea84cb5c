package io.cairn.cli.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.cli.terminal.JsonLines;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "escrow",
    mixinStandardHelpOptions = true,
    description = "Jobs' budgets held by the ledger until the operator settles or closes them.")
public final class EscrowCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "deposit",
      mixinStandardHelpOptions = true,
      description = {
        "Adds AMOUNT of --key's tokens to JOB's escrow; prints the job. The first depositor is the"
            + " job's supporter, the only one who adds to it and who gets the refund."
      })
  int deposit(
      @Parameters(
              index = "0",
              paramLabel = "JOB",
              converter = LedgerArguments.Hash.class,
              description = "The job's id, 0x and 64 hex digits.")
          Bytes32 job,
      @Parameters(
              index = "1",
              paramLabel = "AMOUNT",
              converter = LedgerArguments.Amount.class,
              description = "Whole token units.")
          BigInteger amount,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, writes.write(options, ledger -> ledger.deposit(job, amount)));
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Prints JOB's escrow: supporter, balance, deposited, paid out, burned, refunded, closed.")
  int show(
      @Parameters(
              paramLabel = "JOB",
              converter = LedgerArguments.Hash.class,
              description = "The job's id, 0x and 64 hex digits.")
          Bytes32 job)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, options.client().ledger().escrowJob(job));
  }
}
