package io.cairn.persist;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LicensedPersistorH2Test extends LicensedPersistorSuite {
  @TempDir Path dataDirectory;

  @Override
  protected JournalSettings journal() {
    return TestDatabases.h2(dataDirectory);
  }
}
