package io.cairn.protocol.ledger;

import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Token amounts in integer units (the token has 18 decimals), written as decimal strings so that no
 * client rounds them through a floating-point number; the range is Solidity's {@code uint256}.
 */
public final class TokenAmount {
  public static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,77}");

  private TokenAmount() {}

  /** Parses a non-negative decimal integer below 2^256; {@code what} names it in the refusal. */
  public static BigInteger parse(String text, String what) {
    if (text == null || !DECIMAL.matcher(text).matches()) {
      throw new Rejection(
          ErrorCode.INVALID_AMOUNT,
          what + " '" + text + "' is not a whole number of token units (digits only)");
    }
    BigInteger amount = new BigInteger(text);
    if (amount.compareTo(MAX) > 0) {
      throw new Rejection(ErrorCode.INVALID_AMOUNT, what + " " + text + " is above 2^256 - 1");
    }
    return amount;
  }

  /** Like {@link #parse} and above zero. */
  public static BigInteger parsePositive(String text, String what) {
    BigInteger amount = parse(text, what);
    if (amount.signum() == 0) {
      throw new Rejection(ErrorCode.INVALID_AMOUNT, what + " must be above zero");
    }
    return amount;
  }
}
