package io.cairn.protocol.hypercore;

import java.nio.charset.StandardCharsets;

/**
 * Hypercore's capability namespaces: {@code SEED = BLAKE2b-256("hypercore")} (9 ASCII bytes) and
 * {@code NS[i] = BLAKE2b-256(SEED || byte i)} (33 bytes in). They keep hashes and signatures made
 * for one purpose from being valid for another.
 */
public final class Namespaces {
  /** The 9 ASCII bytes {@code hypercore}; also the message of the discovery-key hash. */
  static final byte[] HYPERCORE = "hypercore".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] SEED = Blake2b.hash(HYPERCORE);

  private static final byte[] TREE = derive(0);
  private static final byte[] REPLICATE_INITIATOR = derive(1);
  private static final byte[] REPLICATE_RESPONDER = derive(2);
  private static final byte[] MANIFEST = derive(3);
  private static final byte[] DEFAULT_NAMESPACE = derive(4);
  private static final byte[] DEFAULT_ENCRYPTION = derive(5);

  private Namespaces() {}

  private static byte[] derive(int i) {
    return Blake2b.hash(SEED, new byte[] {(byte) i});
  }

  /** {@code BLAKE2b-256("hypercore")}, the seed of every namespace. */
  public static byte[] seed() {
    return SEED.clone();
  }

  /** NS[0], prefixed to every tree signable. */
  public static byte[] tree() {
    return TREE.clone();
  }

  /** NS[1], the replication capability of the stream initiator. */
  public static byte[] replicateInitiator() {
    return REPLICATE_INITIATOR.clone();
  }

  /** NS[2], the replication capability of the stream responder. */
  public static byte[] replicateResponder() {
    return REPLICATE_RESPONDER.clone();
  }

  /** NS[3], prefixed to the encoded manifest to make the core key. */
  public static byte[] manifest() {
    return MANIFEST.clone();
  }

  /** NS[4], the namespace of a default manifest signer. */
  public static byte[] defaultNamespace() {
    return DEFAULT_NAMESPACE.clone();
  }

  /** NS[5], the namespace of Hypercore's default block encryption. */
  public static byte[] defaultEncryption() {
    return DEFAULT_ENCRYPTION.clone();
  }

  // Package-private views without the defensive copy, for the signing hot path.
  static byte[] treeUnsafe() {
    return TREE;
  }

  static byte[] manifestUnsafe() {
    return MANIFEST;
  }
}
