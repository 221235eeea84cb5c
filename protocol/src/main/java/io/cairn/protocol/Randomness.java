package io.cairn.protocol;

import java.security.SecureRandom;

/** The one source of randomness for keys, nonces and secrets; every caller draws from it. */
public final class Randomness {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Randomness() {}

  /** {@code length} bytes from the platform's strong random number generator. */
  public static byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
