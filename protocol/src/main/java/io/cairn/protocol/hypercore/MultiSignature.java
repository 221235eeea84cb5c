package io.cairn.protocol.hypercore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The signature record Hypercore stores and sends for a manifest of version 1: {@code proof count
 * (uint) || per proof: signer index (uint) || Ed25519 signature (64) || patch length (uint) ||
 * patch node count (uint) || patch nodes}. With one signer and no patch it is 68 bytes: {@code 01
 * 00 <64 bytes> 00 00}.
 *
 * @param proofs one entry per signer that signed
 * @param patch nodes shared by patched proofs; always empty unless the manifest allows patches
 */
public record MultiSignature(List<Entry> proofs, List<TreeNode> patch) {
  /**
   * One signer's signature.
   *
   * @param signer index into the manifest's signers
   * @param signature raw 64-byte Ed25519 signature
   * @param patch number of blocks patched on top of the signed length (0 = none)
   */
  public record Entry(int signer, byte[] signature, long patch) {
    public Entry {
      if (signature.length != 64) {
        throw new IllegalArgumentException("an Ed25519 signature has 64 bytes");
      }
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Entry e
          && e.signer == signer
          && e.patch == patch
          && Arrays.equals(e.signature, signature);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(signature);
    }
  }

  public MultiSignature {
    proofs = List.copyOf(proofs);
    patch = List.copyOf(patch);
  }

  /** The record of a single unpatched signature by signer 0, as a default core stores it. */
  public static byte[] encodeSingle(byte[] rawSignature) {
    return new MultiSignature(List.of(new Entry(0, rawSignature, 0)), List.of()).encode();
  }

  public byte[] encode() {
    CompactWriter out = new CompactWriter(2 + 67 * proofs.size());
    out.uint(proofs.size());
    for (Entry entry : proofs) {
      out.uint(entry.signer).fixed(entry.signature).uint(entry.patch);
    }
    return out.nodes(patch).toByteArray();
  }

  /** Decodes {@link #encode()}'s layout strictly (no trailing bytes). */
  public static MultiSignature decode(byte[] encoded) {
    CompactReader in = new CompactReader(encoded);
    int count = in.count(66);
    List<Entry> proofs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long signer = in.uint();
      if (signer > Integer.MAX_VALUE) {
        throw new MalformedEncodingException("signer index " + signer + " out of range");
      }
      proofs.add(new Entry((int) signer, in.fixed(64), in.uint()));
    }
    List<TreeNode> patch = in.nodes();
    in.end();
    return new MultiSignature(proofs, patch);
  }
}
