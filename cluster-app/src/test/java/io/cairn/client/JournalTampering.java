package io.cairn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.core.Core;
import io.cairn.journal.JournalSettings;
import io.cairn.node.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Alters what a test node's journal holds behind the node's back, as a damaged disk or a rogue
 * operator would.
 */
final class JournalTampering {
  private JournalTampering() {}

  /**
   * Alters one byte of a stored block where the journal keeps it: each block is one event of its
   * core.
   */
  static void flipByteOfBlock(TestNode node, byte[] coreKey, long block, byte[] value)
      throws Exception {
    JournalSettings journal = JournalSettings.fromConfig(node.system().settings().config());
    String persistenceId = Core.ENTITY_KEY.name() + "|" + Core.entityId(coreKey);
    try (Connection connection =
        DriverManager.getConnection(journal.url(), journal.user(), journal.password())) {
      byte[] payload;
      try (PreparedStatement read =
          connection.prepareStatement(
              "SELECT \"event_payload\" FROM \"event_journal\""
                  + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?")) {
        read.setString(1, persistenceId);
        read.setLong(2, Core.sequenceNumberOf(block));
        try (ResultSet row = read.executeQuery()) {
          assertTrue(row.next(), "the block's event is in the journal");
          payload = row.getBytes(1);
        }
      }
      int at = indexOf(payload, value);
      assertTrue(at >= 0, "the event holds the block's bytes");
      payload[at + value.length / 2] ^= 0x40;
      try (PreparedStatement write =
          connection.prepareStatement(
              "UPDATE \"event_journal\" SET \"event_payload\" = ?"
                  + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?")) {
        write.setBytes(1, payload);
        write.setString(2, persistenceId);
        write.setLong(3, Core.sequenceNumberOf(block));
        assertEquals(1, write.executeUpdate());
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
