package io.cairn.client;

import io.cairn.protocol.persist.DataAddress;
import io.cairn.protocol.persist.ItemCipher;
import io.cairn.protocol.persist.ItemDecryptionException;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads persisted items back without trusting the node: an item's blocks come with a merkle proof
 * checked against the publisher's core key ({@link CoreReader}), and only then are they decrypted
 * with the item's key.
 */
public final class ItemReader {
  private final CairnClient client;
  private final Map<String, CoreReader> cores = new HashMap<>();

  public ItemReader(CairnClient client) {
    this.client = client;
  }

  /**
   * The plaintext of the item at {@code address}.
   *
   * @throws ProofRejectedException when the node's blocks or proof do not hold for the core's key
   * @throws ItemDecryptionException when {@code key} does not open the verified blocks
   * @throws CairnApiException when the node does not have the blocks
   */
  public byte[] read(DataAddress address, byte[] key) {
    CoreReader core =
        cores.computeIfAbsent(
            HexFormat.of().formatHex(address.coreKey()),
            hex -> CoreReader.open(client, address.coreKey()));
    byte[] sealed =
        address.blockCount() == 1
            ? core.get(address.first())
            : concatenated(core.range(address.first(), address.end()));
    return ItemCipher.decrypt(sealed, key, address);
  }

  private static byte[] concatenated(List<byte[]> blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    blocks.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
