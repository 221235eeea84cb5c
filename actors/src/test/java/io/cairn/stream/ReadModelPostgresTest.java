package io.cairn.stream;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;

class ReadModelPostgresTest extends ReadModelSuite {
  @Override
  protected JournalSettings journal() {
    return TestDatabases.postgres();
  }
}
