package io.cairn.cli.pinning;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.cli.ledger.LedgerArguments;
import io.cairn.cli.ledger.LedgerWrites;
import io.cairn.cli.stream.ClientOptions;
import io.cairn.cli.terminal.JsonLines;
import io.cairn.client.CairnClient;
import io.cairn.protocol.api.v1.PinJobView;
import io.cairn.protocol.ledger.Bytes32;
import java.math.BigInteger;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "pin",
    mixinStandardHelpOptions = true,
    description = {
      "Pinning jobs: a supporter (--key) asks the cluster to keep a core on independent hosters"
          + " for a number of days. Prints each job as JSON."
    })
public final class PinCommand {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Command(
      name = "request",
      mixinStandardHelpOptions = true,
      description = {
        "Asks the cluster to keep CORE_KEY (a core it holds) on --replicas hosters for --days days;"
            + " prints the job, with its jobId. With --budget, then deposits that many tokens of"
            + " --key into the job's escrow and prints the escrow too. The same --request-id sent"
            + " again answers the same job, so a request whose answer was lost can be retried"
            + " safely; without one, each run is a new job."
      })
  int request(
      @Parameters(paramLabel = "CORE_KEY", description = "The core's key, 64 hex digits.")
          String coreKey,
      @Option(
              names = "--replicas",
              required = true,
              paramLabel = "N",
              description = "How many hosters keep a replica.")
          int replicas,
      @Option(names = "--days", required = true, paramLabel = "D", description = "How long.")
          int days,
      @Option(
              names = "--request-id",
              paramLabel = "ID",
              description = "Names this request (default: a random UUID).")
          String requestId,
      @Option(
              names = "--budget",
              paramLabel = "AMOUNT",
              converter = LedgerArguments.Amount.class,
              description = "Whole token units to deposit into the job's escrow.")
          BigInteger budget,
      @Mixin LedgerWrites writes)
      throws InvalidProtocolBufferException {
    PinJobView job =
        options
            .authenticated()
            .requestPin(
                coreKey,
                replicas,
                days,
                requestId == null ? UUID.randomUUID().toString() : requestId);
    JsonLines.print(spec, job);
    if (budget == null) {
      return 0;
    }
    Bytes32 jobId = Bytes32.parse(job.getJobId(), "job id");
    return JsonLines.print(spec, writes.write(options, ledger -> ledger.deposit(jobId, budget)));
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Prints JOB: its terms, state and replicas.")
  int status(
      @Parameters(
              paramLabel = "JOB",
              converter = LedgerArguments.Hash.class,
              description = "The job's id, 0x and 64 hex digits.")
          Bytes32 job)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, options.client().pin(job.toString()));
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Prints --key's jobs, the newest first, one per line. A job requested in the last second"
            + " may not be listed yet."
      })
  int list() throws InvalidProtocolBufferException {
    CairnClient supporter = options.authenticated();
    for (PinJobView job : supporter.pins()) {
      JsonLines.print(spec, job);
    }
    return 0;
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Ends --key's JOB now; prints it. An ended job is printed as it is.")
  int cancel(
      @Parameters(
              paramLabel = "JOB",
              converter = LedgerArguments.Hash.class,
              description = "The job's id, 0x and 64 hex digits.")
          Bytes32 job)
      throws InvalidProtocolBufferException {
    return JsonLines.print(spec, options.authenticated().cancelPin(job.toString()));
  }
}
