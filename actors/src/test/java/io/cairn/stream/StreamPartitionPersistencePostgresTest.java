package io.cairn.stream;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class StreamPartitionPersistencePostgresTest extends StreamPartitionPersistenceSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
