package io.cairn.stream;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class StreamPersistencePostgresTest extends StreamPersistenceSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
