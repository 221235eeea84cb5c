package io.cairn.protocol.hypercore;

/**
 * The body of Hypercore's replication {@code data} message, without the Protomux channel framing:
 * {@code flags (uint: 1 block, 2 hash, 4 seek, 8 upgrade, 16 manifest) || request (uint) || fork
 * (uint)}, then if block: {@code index (uint) || value (uint length + bytes) || nodes}, then if
 * upgrade: {@code start (uint) || length (uint) || nodes || additional nodes || signature (uint
 * length + bytes, 0 = none)}. A node is {@code index (uint) || size (uint) || hash (32)}; a node
 * list is a uint count and the nodes. Hash, seek and manifest parts are not supported.
 *
 * @param request the id of the request this answers
 * @param proof the proof carried
 */
public record DataMessage(long request, Proof proof) {
  private static final int BLOCK = 1;
  private static final int UPGRADE = 8;

  public byte[] encode() {
    Proof.Block block = proof.block();
    Proof.Upgrade upgrade = proof.upgrade();
    int size =
        32
            + (block == null ? 0 : block.value().length + 34 * block.nodes().size())
            + (upgrade == null
                ? 0
                : 100 + 34 * (upgrade.nodes().size() + upgrade.additionalNodes().size()));
    CompactWriter out = new CompactWriter(size);
    out.uint((block == null ? 0 : BLOCK) | (upgrade == null ? 0 : UPGRADE));
    out.uint(request).uint(proof.fork());
    if (block != null) {
      out.uint(block.index()).buffer(block.value()).nodes(block.nodes());
    }
    if (upgrade != null) {
      out.uint(upgrade.start()).uint(upgrade.length());
      out.nodes(upgrade.nodes()).nodes(upgrade.additionalNodes()).buffer(upgrade.signature());
    }
    return out.toByteArray();
  }

  /** Decodes {@link #encode()}'s layout, refusing unsupported parts and trailing bytes. */
  public static DataMessage decode(byte[] encoded) {
    CompactReader in = new CompactReader(encoded);
    long flags = in.uint();
    if ((flags & ~(long) (BLOCK | UPGRADE)) != 0) {
      throw new MalformedEncodingException("unsupported data message parts, flags " + flags);
    }
    long request = in.uint();
    long fork = in.uint();
    Proof.Block block = null;
    if ((flags & BLOCK) != 0) {
      long index = in.uint();
      byte[] value = in.buffer();
      block = new Proof.Block(index, value, in.nodes());
    }
    Proof.Upgrade upgrade = null;
    if ((flags & UPGRADE) != 0) {
      long start = in.uint();
      long length = in.uint();
      var nodes = in.nodes();
      var additional = in.nodes();
      byte[] signature = in.buffer();
      upgrade =
          new Proof.Upgrade(
              start, length, nodes, additional, signature.length == 0 ? null : signature);
    }
    in.end();
    return new DataMessage(request, new Proof(fork, block, upgrade));
  }
}
