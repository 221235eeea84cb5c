package io.cairn.stream;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ReadModelH2Test extends ReadModelSuite {
  @TempDir Path dataDirectory;

  @Override
  protected JournalSettings journal() {
    return TestDatabases.h2(dataDirectory);
  }
}
