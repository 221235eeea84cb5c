package io.cairn.cli.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cairn.client.EventJson;
import io.cairn.protocol.api.v1.StreamMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import picocli.CommandLine.Option;

/** How {@code subscribe} and {@code resend} print the events they receive. */
public final class EventOutputOptions {
  private static final JsonFormat.Printer PROTOBUF_JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  @Option(
      names = "--format",
      paramLabel = "readable|protobuf-json|raw",
      defaultValue = "readable",
      description =
          "readable (default): one JSON line per event with its timestamp, publisherId and the"
              + " content as published (JSON inline, anything else as contentBase64);"
              + " protobuf-json: the StreamMessage in protobuf's JSON mapping; raw: frames of a"
              + " 4-byte big-endian length and the protobuf bytes, as published.")
  String format;

  @Option(
      names = "--with-metadata",
      description =
          "With readable: also the stream, partition, sequence number, msgChainId and the"
              + " previous event's timestamp and sequence number.")
  boolean withMetadata;

  /** Refuses an unknown format before anything is asked of the node. */
  void check() {
    if (!(format.equals("readable") || format.equals("protobuf-json") || format.equals("raw"))) {
      throw new IllegalArgumentException(
          "--format is readable, protobuf-json or raw, not '" + format + "'");
    }
    if (withMetadata && !format.equals("readable")) {
      throw new IllegalArgumentException(
          "--with-metadata goes with --format readable; the other formats hold everything");
    }
  }

  /** Prints one event: a line to {@code out}, or a frame to {@code raw} for the raw format. */
  void print(StreamMessage event, PrintWriter out, OutputStream raw)
      throws InvalidProtocolBufferException {
    switch (format) {
      case "raw" -> {
        byte[] bytes = event.toByteArray();
        try {
          raw.write(ByteBuffer.allocate(4).putInt(bytes.length).array());
          raw.write(bytes);
          raw.flush();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the event: " + e.getMessage(), e);
        }
      }
      case "protobuf-json" -> {
        out.println(PROTOBUF_JSON.print(event));
        out.flush();
      }
      default -> {
        out.println(EventJson.readable(event, withMetadata));
        out.flush();
      }
    }
  }
}
