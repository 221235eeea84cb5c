package io.cairn.protocol.hypercore;

import java.util.List;

/**
 * What a core is and who may sign it: the core key, the discovery key, what bytes are signed and
 * how a stored signature is checked. Two modes exist:
 *
 * <ul>
 *   <li>manifest (Hypercore 11 default): key = {@link Manifest#coreKey()}, the signable commits to
 *       the key, and the stored signature is a {@link MultiSignature} record;
 *   <li>compat (Hypercore 10 cores without a manifest): key = the public key, the signable omits
 *       the key, and the stored signature is the raw 64 bytes.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class CoreIdentity {
  private static final int RAW_SIGNATURE_LENGTH = 64;

  private final Manifest manifest;
  private final byte[] key;
  private final byte[] discoveryKey;
  private final byte[][] signers;
  private final Ed25519Verification ed25519 = Ed25519Verifications.preferred();

  private CoreIdentity(Manifest manifest, byte[] key, List<byte[]> publicKeys) {
    this.manifest = manifest;
    this.key = key;
    this.discoveryKey = discoveryKeyOf(key);
    this.signers = new byte[publicKeys.size()][];
    for (int i = 0; i < signers.length; i++) {
      signers[i] = publicKeys.get(i).clone();
    }
  }

  /**
   * The discovery key of a core key: BLAKE2b-256 keyed with the core key over the ASCII bytes
   * "hypercore". Peers and Cairn's cluster name a core by it, so the key itself need not be shown.
   */
  public static byte[] discoveryKeyOf(byte[] key) {
    return Blake2b.keyedHash(key, Namespaces.HYPERCORE);
  }

  /** A Hypercore 11 core described by {@code manifest}. */
  public static CoreIdentity of(Manifest manifest) {
    List<byte[]> keys = manifest.signers().stream().map(Manifest.Signer::publicKey).toList();
    return new CoreIdentity(manifest, manifest.coreKey(), keys);
  }

  /** The default Hypercore 11 core of one Ed25519 key: {@link Manifest#singleSigner(byte[])}. */
  public static CoreIdentity ofPublicKey(byte[] publicKey) {
    return of(Manifest.singleSigner(publicKey));
  }

  /** A compat-mode (Hypercore 10) core whose key is {@code publicKey} itself. */
  public static CoreIdentity compat(byte[] publicKey) {
    if (publicKey.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    return new CoreIdentity(null, publicKey.clone(), List.of(publicKey.clone()));
  }

  public boolean isCompat() {
    return manifest == null;
  }

  /** The manifest, or {@code null} in compat mode. */
  public Manifest manifest() {
    return manifest;
  }

  /** The 32-byte core key. */
  public byte[] key() {
    return key.clone();
  }

  /** Keyed BLAKE2b-256 with key = core key over the 9 ASCII bytes {@code hypercore}. */
  public byte[] discoveryKey() {
    return discoveryKey.clone();
  }

  /**
   * The bytes a signer signs for a tree. Manifest mode, 112 bytes: {@code NS[TREE] (32) || core key
   * (32) || tree hash (32) || u64le(length) || u64le(fork)}. Compat mode, 80 bytes: the same
   * without the core key.
   */
  public byte[] signable(byte[] treeHash, long length, long fork) {
    int keyLength = isCompat() ? 0 : 32;
    byte[] out = new byte[80 + keyLength];
    System.arraycopy(Namespaces.treeUnsafe(), 0, out, 0, 32);
    if (keyLength > 0) {
      System.arraycopy(key, 0, out, 32, 32);
    }
    System.arraycopy(treeHash, 0, out, 32 + keyLength, 32);
    MerkleHasher.putU64(out, 64 + keyLength, length);
    MerkleHasher.putU64(out, 72 + keyLength, fork);
    return out;
  }

  /**
   * The stored form of a signature made by the only signer: the raw 64 bytes in compat mode, else
   * the 68-byte {@link MultiSignature} record {@code 01 00 <64 bytes> 00 00}.
   */
  public byte[] storedSignature(byte[] rawSignature) {
    if (signers.length != 1 || (manifest != null && manifest.quorum() != 1)) {
      throw new IllegalStateException("a multi-signer core needs an assembled multisig record");
    }
    return isCompat() ? rawSignature.clone() : MultiSignature.encodeSingle(rawSignature);
  }

  /**
   * Checks a stored signature over {@code signable}.
   *
   * @return {@code null} if valid, else the reason it is not
   */
  public RejectReason verify(byte[] signable, byte[] storedSignature) {
    if (storedSignature == null) {
      return RejectReason.SIGNATURE_MALFORMED;
    }
    if (isCompat()) {
      if (storedSignature.length != RAW_SIGNATURE_LENGTH) {
        return RejectReason.SIGNATURE_MALFORMED;
      }
      return ed25519.verify(signers[0], signable, storedSignature)
          ? null
          : RejectReason.SIGNATURE_INVALID;
    }
    MultiSignature record;
    try {
      record = MultiSignature.decode(storedSignature);
    } catch (MalformedEncodingException e) {
      return RejectReason.SIGNATURE_MALFORMED;
    }
    // Hypercore checks the first `quorum` entries; every one of them must be a distinct signer.
    List<MultiSignature.Entry> proofs = record.proofs();
    if (proofs.size() < manifest.quorum()) {
      return RejectReason.SIGNER_INVALID;
    }
    // Patches rebase a signature onto a shorter tree; stricter than Hypercore (which ignores the
    // field when patches are off), no patched record is ever accepted.
    if (!record.patch().isEmpty()) {
      return RejectReason.PATCH_NOT_SUPPORTED;
    }
    boolean[] used = new boolean[signers.length];
    for (int i = 0; i < manifest.quorum(); i++) {
      MultiSignature.Entry entry = proofs.get(i);
      if (entry.patch() != 0) {
        return RejectReason.PATCH_NOT_SUPPORTED;
      }
      if (entry.signer() >= signers.length || used[entry.signer()]) {
        return RejectReason.SIGNER_INVALID;
      }
      used[entry.signer()] = true;
      if (!ed25519.verify(signers[entry.signer()], signable, entry.signature())) {
        return RejectReason.SIGNATURE_INVALID;
      }
    }
    return null;
  }
}
