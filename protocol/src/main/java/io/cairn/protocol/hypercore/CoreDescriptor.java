package io.cairn.protocol.hypercore;

import java.util.Arrays;

/**
 * How a core is registered with a node that stores it: by its Hypercore 11 manifest, or, for a
 * Hypercore 10 (compat) core, by the writer's public key. Either one yields the {@link
 * CoreIdentity} that every batch and proof is checked against.
 */
public sealed interface CoreDescriptor {
  /** Decodes the descriptor; a malformed manifest throws {@link MalformedEncodingException}. */
  CoreIdentity identity();

  record ByManifest(byte[] encoded) implements CoreDescriptor {
    public ByManifest {
      encoded = encoded.clone();
    }

    @Override
    public byte[] encoded() {
      return encoded.clone();
    }

    @Override
    public CoreIdentity identity() {
      return CoreIdentity.of(Manifest.decode(encoded));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ByManifest that && Arrays.equals(encoded, that.encoded);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
      return "ByManifest[" + encoded.length + " bytes]";
    }
  }

  record CompatKey(byte[] publicKey) implements CoreDescriptor {
    public CompatKey {
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public CoreIdentity identity() {
      if (publicKey.length != 32) {
        throw new MalformedEncodingException("a compat core key is a 32-byte Ed25519 public key");
      }
      return CoreIdentity.compat(publicKey);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof CompatKey that && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
      return "CompatKey[" + java.util.HexFormat.of().formatHex(publicKey) + "]";
    }
  }

  /** The descriptor of a writer's core, to register it with a node. */
  static CoreDescriptor of(CoreIdentity identity) {
    return identity.isCompat()
        ? new CompatKey(identity.key())
        : new ByManifest(identity.manifest().encode());
  }
}
