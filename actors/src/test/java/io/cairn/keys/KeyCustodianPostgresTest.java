package io.cairn.keys;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class KeyCustodianPostgresTest extends KeyCustodianSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
