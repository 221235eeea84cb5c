package io.cairn.persist;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class PersistorPostgresTest extends PersistorSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
