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

  /**
   * The same generator, for the JCA calls that take one (RSA key generation, OAEP's seed), so that
   * they do not fall back on a provider's own instance.
   */
  public static SecureRandom generator() {
    return RANDOM;
  }
}
