package io.cairn.protocol.persist;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What a persistor announces: how many pairs it holds and the {@link PairAccumulator} root over
 * them. Published as the unencrypted JSON content {@code {"checkpoint":{"count":N,"root":"<hex>"}}}
 * (count a JSON number, root 64 lowercase hex digits) of an event signed by the persistor's service
 * address; its size does not depend on the count.
 */
public record Checkpoint(long count, byte[] root) {
  public Checkpoint {
    if (count < 0) {
      throw new IllegalArgumentException("a count is not negative");
    }
    if (root.length != 32) {
      throw new IllegalArgumentException("a root is 32 bytes, not " + root.length);
    }
    root = root.clone();
  }

  public static Checkpoint of(PairAccumulator accumulator) {
    return new Checkpoint(accumulator.count(), accumulator.root());
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  public String rootHex() {
    return HexFormat.of().formatHex(root);
  }

  /** {@code {"checkpoint":{"count":N,"root":"<hex>"}}} in UTF-8. */
  public byte[] toContent() {
    return ("{\"checkpoint\":{\"count\":" + count + ",\"root\":\"" + rootHex() + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The checkpoint a content holds, or empty when it is not a checkpoint content. */
  public static Optional<Checkpoint> fromContent(byte[] content) {
    try {
      JsonElement parsed = JsonParser.parseString(new String(content, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject() || !parsed.getAsJsonObject().has("checkpoint")) {
        return Optional.empty();
      }
      JsonObject checkpoint = parsed.getAsJsonObject().getAsJsonObject("checkpoint");
      String root = checkpoint.get("root").getAsString();
      if (!root.equals(root.toLowerCase(java.util.Locale.ROOT))) {
        return Optional.empty();
      }
      return Optional.of(
          new Checkpoint(checkpoint.get("count").getAsLong(), HexFormat.of().parseHex(root)));
    } catch (RuntimeException notACheckpoint) {
      return Optional.empty();
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Checkpoint that
        && count == that.count
        && java.util.Arrays.equals(root, that.root);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count) * 31 + java.util.Arrays.hashCode(root);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + count + ", " + rootHex() + "]";
  }
}
