package io.cairn.protocol.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** libsecp256k1 signs exactly as BouncyCastle does, so which one signed never shows. */
class NativeSigningTest {
  @Test
  void theNativeLibraryLoadsHereAndSignsAsBouncyCastleDoes() {
    assertTrue(NativeSigning.get().isPresent(), "libsecp256k1 is bundled for this platform");
    Random random = new Random(5);
    for (int i = 0; i < 2000; i++) {
      PrivateKeySigner key = PrivateKeySigner.generate();
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      EvmSignature expected = key.signPortably(digest);
      assertEquals(expected, NativeSigning.get().get().sign(digest, key.secret()));
      assertEquals(expected, key.sign(digest));
      assertEquals(key.address(), AddressRecoveries.bouncyCastle().recover(digest, expected));
    }
  }
}
