package io.cairn.ledger;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class LicenceAccessPostgresTest extends LicenceAccessSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
