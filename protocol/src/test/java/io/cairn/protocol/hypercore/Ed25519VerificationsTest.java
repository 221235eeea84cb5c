package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** libsodium and BouncyCastle agree on every signature, good or bad. */
class Ed25519VerificationsTest {
  private final Ed25519Verification sodium = Ed25519Verifications.sodium();
  private final Ed25519Verification bouncyCastle = Ed25519Verifications.bouncyCastle();

  @Test
  void bothAcceptWhatIsSignedAndRefuseEveryFlippedBit() {
    Random random = new Random(5);
    for (int round = 0; round < 20; round++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      CoreKeyPair keyPair = CoreKeyPair.fromSeed(seed);
      byte[] message = new byte[random.nextInt(200)];
      random.nextBytes(message);
      byte[] signature = keyPair.sign(message);
      assertTrue(sodium.verify(keyPair.publicKey(), message, signature));
      assertTrue(bouncyCastle.verify(keyPair.publicKey(), message, signature));
      for (int bit = 0; bit < signature.length * 8; bit += 7) {
        byte[] forged = signature.clone();
        forged[bit / 8] ^= (byte) (1 << (bit % 8));
        assertEquals(
            bouncyCastle.verify(keyPair.publicKey(), message, forged),
            sodium.verify(keyPair.publicKey(), message, forged),
            "bit " + bit);
        assertFalse(sodium.verify(keyPair.publicKey(), message, forged), "bit " + bit);
      }
    }
    assertFalse(sodium.verify(new byte[31], new byte[0], new byte[64]));
    assertFalse(sodium.verify(new byte[32], new byte[0], new byte[63]));
  }

  @Test
  void aNativeLibraryThatFailsToLoadFallsBackToBouncyCastle() {
    Ed25519Verification chosen =
        Ed25519Verifications.select(
            () -> {
              throw new UnsatisfiedLinkError("no libsodium");
            });
    assertEquals("BouncyCastle", chosen.name());
    Ed25519Verification lying =
        new Ed25519Verification() {
          @Override
          public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
            return true;
          }

          @Override
          public String name() {
            return "accepts everything";
          }
        };
    assertEquals("BouncyCastle", Ed25519Verifications.select(() -> lying).name());
    assertEquals("libsodium", Ed25519Verifications.preferred().name());
  }
}
