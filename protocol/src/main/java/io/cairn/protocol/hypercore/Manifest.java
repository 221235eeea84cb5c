package io.cairn.protocol.hypercore;

import java.util.Arrays;
import java.util.List;

/**
 * A Hypercore 11 manifest (version 1): who may sign the core. The core key is the hash of its
 * encoding, so the key commits to the signers. Prologues, linked cores and user data (flags bits
 * 1-3) are not supported and refused on decode.
 *
 * @param version always 1
 * @param allowPatch whether multisig signatures may carry patches (flag bit 0)
 * @param quorum how many distinct signers must sign
 * @param signers the Ed25519 signers, in signer-index order
 */
public record Manifest(int version, boolean allowPatch, int quorum, List<Signer> signers) {
  private static final int HASH_BLAKE2B = 0;
  private static final int SIGNATURE_ED25519 = 0;
  private static final int FLAG_ALLOW_PATCH = 1;

  /**
   * One Ed25519 signer.
   *
   * @param namespace 32 bytes; {@link Namespaces#defaultNamespace()} by default
   * @param publicKey 32-byte Ed25519 public key
   */
  public record Signer(byte[] namespace, byte[] publicKey) {
    public Signer {
      if (namespace.length != 32 || publicKey.length != 32) {
        throw new IllegalArgumentException("namespace and public key have 32 bytes");
      }
      namespace = namespace.clone();
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] namespace() {
      return namespace.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Signer s
          && Arrays.equals(s.namespace, namespace)
          && Arrays.equals(s.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(publicKey);
    }
  }

  public Manifest {
    if (version != 1) {
      throw new IllegalArgumentException("only manifest version 1 is supported, got " + version);
    }
    signers = List.copyOf(signers);
    if (signers.isEmpty() || quorum < 1 || quorum > signers.size()) {
      throw new IllegalArgumentException(
          "quorum " + quorum + " impossible with " + signers.size() + " signers");
    }
  }

  /** What {@code new Hypercore(storage, { keyPair })} makes: one signer, quorum 1, no patches. */
  public static Manifest singleSigner(byte[] publicKey) {
    return new Manifest(1, false, 1, List.of(new Signer(Namespaces.defaultNamespace(), publicKey)));
  }

  /**
   * The compact encoding: {@code version (uint) || flags (uint) || hash algorithm (uint, 0 =
   * blake2b) || quorum (uint) || signer count (uint) || per signer: signature algorithm (uint, 0 =
   * ed25519) || namespace (32) || public key (32)}. The default single-signer manifest is 70 bytes.
   */
  public byte[] encode() {
    CompactWriter out = new CompactWriter(6 + 65 * signers.size());
    out.uint(version).uint(allowPatch ? FLAG_ALLOW_PATCH : 0).uint(HASH_BLAKE2B).uint(quorum);
    out.uint(signers.size());
    for (Signer signer : signers) {
      out.uint(SIGNATURE_ED25519).fixed(signer.namespace).fixed(signer.publicKey);
    }
    return out.toByteArray();
  }

  /** Decodes {@link #encode()}'s layout, refusing anything this implementation cannot verify. */
  public static Manifest decode(byte[] encoded) {
    CompactReader in = new CompactReader(encoded);
    long version = in.uint();
    if (version != 1) {
      throw new MalformedEncodingException("unsupported manifest version " + version);
    }
    long flags = in.uint();
    if ((flags & ~FLAG_ALLOW_PATCH) != 0) {
      throw new MalformedEncodingException("unsupported manifest flags " + flags);
    }
    if (in.uint() != HASH_BLAKE2B) {
      throw new MalformedEncodingException("unsupported manifest hash");
    }
    long quorum = in.uint();
    int count = in.count(65);
    Signer[] signers = new Signer[count];
    for (int i = 0; i < count; i++) {
      if (in.uint() != SIGNATURE_ED25519) {
        throw new MalformedEncodingException("unsupported signature algorithm");
      }
      signers[i] = new Signer(in.fixed(32), in.fixed(32));
    }
    in.end();
    if (count == 0 || quorum < 1 || quorum > count) {
      throw new MalformedEncodingException("quorum " + quorum + " impossible with " + count);
    }
    return new Manifest(1, (flags & FLAG_ALLOW_PATCH) != 0, (int) quorum, List.of(signers));
  }

  /** The core key: {@code BLAKE2b-256(NS[MANIFEST] (32) || encode())}. */
  public byte[] coreKey() {
    return Blake2b.hash(Namespaces.manifestUnsafe(), encode());
  }
}
