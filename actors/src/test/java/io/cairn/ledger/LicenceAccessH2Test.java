package io.cairn.ledger;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LicenceAccessH2Test extends LicenceAccessSuite {
  @TempDir Path dataDirectory;

  @Override
  protected JournalSettings journal() {
    return TestDatabases.h2(dataDirectory);
  }
}
