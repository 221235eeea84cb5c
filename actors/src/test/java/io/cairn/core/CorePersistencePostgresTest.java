package io.cairn.core;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class CorePersistencePostgresTest extends CorePersistenceSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
