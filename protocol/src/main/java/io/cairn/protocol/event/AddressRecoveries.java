package io.cairn.protocol.event;

import io.cairn.protocol.EthereumAddress;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Chooses the {@link AddressRecovery} a process uses: native when it loads and works. */
public final class AddressRecoveries {
  private static final System.Logger LOG = System.getLogger(AddressRecoveries.class.getName());

  // Hardhat's account #0 signing keccak256("cairn"); recovering it proves the library works.
  private static final String PROBE_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  private static final byte[] PROBE_DIGEST =
      Secp256k1Curve.keccak256("cairn".getBytes(StandardCharsets.US_ASCII));
  private static final EthereumAddress PROBE_SIGNER =
      new EthereumAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");

  private AddressRecoveries() {}

  private static final class Preferred {
    static final AddressRecovery INSTANCE = select(NativeRecovery::load);
  }

  /** The implementation for this process, chosen once. */
  public static AddressRecovery preferred() {
    return Preferred.INSTANCE;
  }

  /** The pure-Java implementation, available everywhere. */
  public static AddressRecovery bouncyCastle() {
    return new BouncyCastleRecovery();
  }

  /**
   * The native implementation from {@code loadNative} if it loads and recovers a known signature
   * correctly, otherwise BouncyCastle; the choice and its reason are logged.
   */
  static AddressRecovery select(Supplier<? extends AddressRecovery> loadNative) {
    BouncyCastleRecovery fallback = new BouncyCastleRecovery();
    // The signer picks its recovery id with BouncyCastle, so a native result is checked against it.
    EvmSignature probe = PrivateKeySigner.fromHex(PROBE_KEY).sign(PROBE_DIGEST);
    try {
      AddressRecovery loaded = loadNative.get();
      if (PROBE_SIGNER.equals(loaded.recover(PROBE_DIGEST, probe))) {
        // routine, so not shown by default: only a fallback to the slower one is worth a warning
        LOG.log(Level.DEBUG, "secp256k1 address recovery: " + loaded.name());
        return loaded;
      }
      LOG.log(
          Level.WARNING,
          "secp256k1 address recovery: "
              + loaded.name()
              + " recovered a wrong address in its self-test; using "
              + fallback.name());
    } catch (RuntimeException | LinkageError unavailable) {
      LOG.log(
          Level.INFO,
          "secp256k1 address recovery: "
              + fallback.name()
              + " (the native library is unavailable: "
              + unavailable
              + ")");
    }
    return fallback;
  }
}
