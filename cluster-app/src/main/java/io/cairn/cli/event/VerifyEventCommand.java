package io.cairn.cli.event;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.protocol.api.v1.StreamMessage;
import io.cairn.protocol.event.EventRejectReason;
import io.cairn.protocol.event.EventVerification;
import io.cairn.protocol.event.EventVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Reads signed events from standard input and prints, for each, Streamr's verdict: \"ok\" or"
          + " the reason it is refused and why (for example \"ADDRESS_MISMATCH: signed by 0x..., but"
          + " the publisher id is 0x...\"). Every field is checked by Streamr's rules, then the"
          + " signature (with Cairn's low-s and v of 27 or 28).",
      "A message Streamr accepts that this node would not store says so apart, e.g."
          + " \"ok (not publishable here: TIMESTAMP_OUT_OF_RANGE: ...)\": an ENS-named owner, a"
          + " timestamp outside the node's window.",
      "Exit code 1 if any event was refused by Streamr's rules."
    })
public final class VerifyEventCommand implements Callable<Integer> {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      paramLabel = "json|raw",
      defaultValue = "json",
      description =
          "Input: json (default), one protobuf JSON StreamMessage per line; raw, frames"
              + " of a 4-byte big-endian length and a protobuf StreamMessage.")
  EventFormat format;

  private final InputStream input;

  public VerifyEventCommand() {
    this(System.in);
  }

  VerifyEventCommand(InputStream input) {
    this.input = input;
  }

  @Override
  public Integer call() throws IOException {
    EventVerifier verifier = EventVerifier.standard();
    PrintWriter out = spec.commandLine().getOut();
    boolean allAccepted =
        format == EventFormat.raw ? verifyFrames(verifier, out) : verifyLines(verifier, out);
    out.flush();
    return allAccepted ? 0 : 1;
  }

  private boolean verifyLines(EventVerifier verifier, PrintWriter out) throws IOException {
    boolean allAccepted = true;
    BufferedReader lines = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      EventVerification verdict;
      try {
        StreamMessage.Builder event = StreamMessage.newBuilder();
        PARSER.merge(line, event);
        verdict = verdict(verifier, event.build());
      } catch (InvalidProtocolBufferException notAnEvent) {
        verdict =
            malformed(
                "line " + number + " is not a StreamMessage in JSON: " + notAnEvent.getMessage());
      }
      out.println(verdict);
      allAccepted &= verdict.accepted();
    }
    return allAccepted;
  }

  private boolean verifyFrames(EventVerifier verifier, PrintWriter out) throws IOException {
    boolean allAccepted = true;
    int number = 0;
    while (true) {
      byte[] frame;
      try {
        frame = RawFrames.read(input);
      } catch (RawFrames.MalformedFrameException broken) {
        out.println(malformed("after frame " + number + ": " + broken.getMessage()));
        return false;
      }
      if (frame == null) {
        return allAccepted;
      }
      number++;
      EventVerification verdict;
      try {
        verdict = verdict(verifier, StreamMessage.parseFrom(frame));
      } catch (InvalidProtocolBufferException notAnEvent) {
        verdict =
            malformed(
                "frame " + number + " is not a protobuf StreamMessage: " + notAnEvent.getMessage());
      }
      out.println(verdict);
      allAccepted &= verdict.accepted();
    }
  }

  /** Streamr's verdict, and for a message it accepts, whether this node would store it. */
  private static EventVerification verdict(EventVerifier verifier, StreamMessage message) {
    EventVerification streamr = verifier.verifyAsStreamr(message);
    if (!streamr.accepted()) {
      return streamr;
    }
    EventVerification policy = verifier.publishingPolicy(message);
    return policy.accepted()
        ? streamr
        : EventVerification.acceptedWithNote("not publishable here: " + policy);
  }

  private static EventVerification malformed(String message) {
    return new EventVerification(EventRejectReason.MALFORMED, message);
  }
}
