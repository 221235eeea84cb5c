package io.cairn.pinning;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class PinningJobDirectoryPostgresTest extends PinningJobDirectorySuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
