package io.cairn.cli.event;

/** How events are written on standard input and output. */
public enum EventFormat {
  /** One protobuf JSON mapping of {@code StreamMessage} per line. */
  json,
  /** Frames of a 4-byte big-endian length and a protobuf {@code StreamMessage}, as raw resends. */
  raw
}
