package io.cairn.protocol;

import java.util.regex.Pattern;

/**
 * A 20-byte Ethereum address in its canonical Cairn form: {@code 0x} and 40 lower-case hex digits.
 */
public record EthereumAddress(String value) {
  private static final Pattern CANONICAL = Pattern.compile("0x[0-9a-f]{40}");
  private static final Pattern ANY_CASE = Pattern.compile("0x[0-9a-fA-F]{40}");

  public EthereumAddress {
    if (value == null || !CANONICAL.matcher(value).matches()) {
      throw invalid(value);
    }
  }

  /**
   * Accepts only the canonical lower-case form, so that one address has one spelling in stream ids
   * and permission tables; a mixed-case (checksummed) address is refused with a hint.
   */
  public static EthereumAddress parse(String text) {
    return new EthereumAddress(text);
  }

  /** Whether {@code text} is an address in the canonical form {@link #parse} accepts. */
  public static boolean isCanonical(String text) {
    return text != null && CANONICAL.matcher(text).matches();
  }

  private static Rejection invalid(String value) {
    if (value != null && ANY_CASE.matcher(value).matches()) {
      return new Rejection(
          ErrorCode.INVALID_ADDRESS,
          "address '" + value + "' must be written in lower case: " + value.toLowerCase());
    }
    return new Rejection(
        ErrorCode.INVALID_ADDRESS,
        "'" + value + "' is not an Ethereum address (0x followed by 40 lower-case hex digits)");
  }

  /** The address's 20 bytes. */
  public byte[] bytes() {
    return java.util.HexFormat.of().parseHex(value.substring(2));
  }

  @Override
  public String toString() {
    return value;
  }
}
