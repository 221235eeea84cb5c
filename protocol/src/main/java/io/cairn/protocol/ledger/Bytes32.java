package io.cairn.protocol.ledger;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A 32-byte value the ledger names things by (an escrow job, a settlement, a report round, a
 * checksum, the hash of terms of use), written as {@code 0x} and 64 lower-case hex digits, as a
 * Solidity {@code bytes32}.
 */
public final class Bytes32 implements Comparable<Bytes32> {
  public static final Bytes32 ZERO = new Bytes32(new byte[32]);
  private static final Pattern FORM = Pattern.compile("0x[0-9a-fA-F]{64}");

  private final byte[] bytes;

  private Bytes32(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Bytes32 of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("a bytes32 is 32 bytes, not " + bytes.length);
    }
    return new Bytes32(bytes.clone());
  }

  /** Parses {@code 0x} and 64 hex digits; {@code what} names the field in the refusal. */
  public static Bytes32 parse(String text, String what) {
    if (text == null || !FORM.matcher(text).matches()) {
      throw new Rejection(
          ErrorCode.INVALID_LEDGER_REQUEST,
          what + " '" + text + "' is not 0x followed by 64 hex digits");
    }
    return new Bytes32(HexFormat.of().parseHex(text.substring(2)));
  }

  public byte[] toByteArray() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes32 that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Bytes32 other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public String toString() {
    return "0x" + HexFormat.of().formatHex(bytes);
  }
}
