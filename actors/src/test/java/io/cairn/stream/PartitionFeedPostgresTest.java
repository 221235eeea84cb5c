package io.cairn.stream;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class PartitionFeedPostgresTest extends PartitionFeedSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
