package io.cairn.cli.event;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventFieldRules;
import io.cairn.protocol.event.EventRejection;
import io.cairn.protocol.event.EventSigner;
import io.cairn.protocol.event.PrivateKeySigner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Reads unsigned events from standard input, one JSON object per line: streamId, partition,"
          + " timestamp, sequenceNumber, msgChainId, prevTimestamp, prevSequenceNumber, and content"
          + " (any JSON value) or contentBase64 (binary). Prints each signed by --key, which is"
          + " also its publisher.",
      "Stops at the first line that is not a valid event, naming it; exit code 1."
    })
public final class SignEventCommand implements Callable<Integer> {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  @Spec CommandSpec spec;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "HEX",
      description = "The publisher's secp256k1 private key: 64 hex digits, optionally after 0x.")
  String key;

  @Option(
      names = "--format",
      paramLabel = "json|raw",
      defaultValue = "json",
      description =
          "Output: json (default), one protobuf JSON StreamMessage per line; raw, frames"
              + " of a 4-byte big-endian length and a protobuf StreamMessage.")
  EventFormat format;

  private final InputStream input;
  private final OutputStream rawOutput;

  public SignEventCommand() {
    this(System.in, System.out);
  }

  /** Reads {@code input}; raw frames go to {@code rawOutput}, text to the command line's out. */
  SignEventCommand(InputStream input, OutputStream rawOutput) {
    this.input = input;
    this.rawOutput = rawOutput;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    EventSigner signer;
    try {
      signer = new EventSigner(PrivateKeySigner.fromHex(key));
    } catch (IllegalArgumentException badKey) {
      err.println("cairn: --key: " + badKey.getMessage());
      err.flush();
      return 1;
    }
    EventFieldRules rules = EventFieldRules.standard();
    PrintWriter out = spec.commandLine().getOut();
    BufferedReader lines = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      StreamMessage signed;
      try {
        signed = signer.sign(UnsignedEvent.parse(line));
        rules.check(signed);
      } catch (IllegalArgumentException | EventRejection invalid) {
        String reason =
            invalid instanceof EventRejection rejection ? rejection.reason() + ": " : "";
        err.println("cairn: line " + number + ": " + reason + invalid.getMessage());
        err.flush();
        return 1;
      }
      if (format == EventFormat.raw) {
        RawFrames.write(rawOutput, signed.toByteArray());
      } else {
        out.println(json(signed));
        out.flush();
      }
    }
    return 0;
  }

  private static String json(StreamMessage message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }
}
