package io.cairn.ledger.evm;

import io.cairn.journal.JournalSettings;
import io.cairn.journal.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ChainFollowerH2Test extends ChainFollowerSuite {
  @TempDir Path dataDirectory;

  @Override
  protected JournalSettings journal() {
    return TestDatabases.h2(dataDirectory);
  }
}
