package io.cairn.persist;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class LicensedPersistorPostgresTest extends LicensedPersistorSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
