package io.cairn.stream;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class PartitionFeedH2Test extends PartitionFeedSuite {
  @TempDir static Path dataDirectory;

  @Override
  protected JournalSettings journal() {
    return TestDatabases.h2(dataDirectory);
  }
}
