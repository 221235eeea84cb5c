package io.cairn.ledger.evm;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class ChainFollowerPostgresTest extends ChainFollowerSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
