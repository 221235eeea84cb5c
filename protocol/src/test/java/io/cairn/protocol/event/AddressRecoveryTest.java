package io.cairn.protocol.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.protocol.EthereumAddress;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressRecoveryTest {
  private static final String OS = System.getProperty("os.name").toLowerCase();
  private static final String ARCH = System.getProperty("os.arch");
  private static final boolean NATIVE_BUNDLED =
      OS.contains("linux")
          && (ARCH.equals("amd64") || ARCH.equals("x86_64") || ARCH.equals("aarch64"));

  @Test
  void wellKnownKeysHaveTheirWellKnownAddresses() {
    assertEquals(
        "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf",
        PrivateKeySigner.fromHex("0x" + "0".repeat(63) + "1").address().value());
    assertEquals(
        TestEvents.HARDHAT_ADDRESS,
        PrivateKeySigner.fromHex(TestEvents.HARDHAT_KEY).address().value());
  }

  @Test
  void badPrivateKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PrivateKeySigner.fromHex("0".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> PrivateKeySigner.fromHex("ff".repeat(32)));
    assertThrows(IllegalArgumentException.class, () -> PrivateKeySigner.fromHex("abc"));
    assertThrows(IllegalArgumentException.class, () -> PrivateKeySigner.fromHex("zz".repeat(32)));
  }

  @Test
  void nativeRecoveryIsChosenWhereItIsBundled() {
    assumeTrue(NATIVE_BUNDLED, "libsecp256k1 is bundled for Linux x86-64 and aarch64 only");
    assertTrue(
        AddressRecoveries.preferred() instanceof NativeRecovery,
        AddressRecoveries.preferred().name());
  }

  @Test
  void bouncyCastleIsChosenWhenTheNativeLibraryDoesNotLoad() {
    AddressRecovery chosen =
        AddressRecoveries.select(
            () -> {
              throw new UnsatisfiedLinkError("no secp256k1-jni in java.library.path");
            });
    assertTrue(chosen instanceof BouncyCastleRecovery);
  }

  @Test
  void bouncyCastleIsChosenWhenTheNativeLibraryGivesWrongAnswers() {
    AddressRecovery wrong =
        new AddressRecovery() {
          @Override
          public EthereumAddress recover(byte[] digest, EvmSignature signature) {
            return new EthereumAddress("0x" + "00".repeat(20));
          }

          @Override
          public String name() {
            return "broken";
          }
        };
    assertTrue(AddressRecoveries.select(() -> wrong) instanceof BouncyCastleRecovery);
    AddressRecovery working = new BouncyCastleRecovery();
    assertSame(working, AddressRecoveries.select(() -> working));
  }

  @Test
  void bothImplementationsAgreeOnRandomKeysAndMessages() {
    assumeTrue(NATIVE_BUNDLED, "libsecp256k1 is bundled for Linux x86-64 and aarch64 only");
    AddressRecovery java = new BouncyCastleRecovery();
    AddressRecovery nativeRecovery = NativeRecovery.load();
    Random random = new Random(20240101);
    for (int i = 0; i < 300; i++) {
      PrivateKeySigner key = PrivateKeySigner.generate();
      byte[] message = new byte[random.nextInt(300)];
      random.nextBytes(message);
      byte[] digest = PersonalMessage.digest(message);
      EvmSignature signature = key.sign(digest);
      assertEquals(key.address(), java.recover(digest, signature));
      assertEquals(key.address(), nativeRecovery.recover(digest, signature));
      // A signature over another digest, and a random canonical one, still agree.
      byte[] otherDigest = PersonalMessage.digest(new byte[] {(byte) i});
      assertEquals(
          java.recover(otherDigest, signature), nativeRecovery.recover(otherDigest, signature));
      EvmSignature arbitrary =
          new EvmSignature(scalar(random), scalar(random).shiftRight(1), i % 2);
      assertEquals(
          java.recover(digest, arbitrary),
          nativeRecovery.recover(digest, arbitrary),
          "signature " + i);
    }
  }

  @Test
  void anRThatIsNoCurvePointRecoversNothingInEither() {
    // x = 5: 5^3 + 7 = 132 has no square root modulo p, so no point has it as x coordinate.
    EvmSignature signature = new EvmSignature(BigInteger.valueOf(5), BigInteger.ONE, 0);
    byte[] digest = PersonalMessage.digest(new byte[] {1});
    assertNull(new BouncyCastleRecovery().recover(digest, signature));
    if (NATIVE_BUNDLED) {
      assertNull(NativeRecovery.load().recover(digest, signature));
    }
    assertNotNull(
        new BouncyCastleRecovery()
            .recover(digest, new EvmSignature(BigInteger.ONE, BigInteger.ONE, 0)));
  }

  @Test
  void signaturesAreDeterministicAndLowS() {
    PrivateKeySigner key = PrivateKeySigner.fromHex(TestEvents.HARDHAT_KEY);
    for (int i = 0; i < 50; i++) {
      byte[] digest = PersonalMessage.digest(new byte[] {(byte) i, 1, 2});
      EvmSignature signature = key.sign(digest);
      assertEquals(signature, key.sign(digest));
      assertTrue(signature.s().compareTo(Secp256k1Curve.HALF_N) <= 0);
      assertEquals(signature, EvmSignature.decode(signature.encode()));
    }
  }

  private static BigInteger scalar(Random random) {
    BigInteger value;
    do {
      value = new BigInteger(256, random);
    } while (value.signum() == 0 || value.compareTo(Secp256k1Curve.N) >= 0);
    return value;
  }
}
