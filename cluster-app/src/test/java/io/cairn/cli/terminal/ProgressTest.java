package io.cairn.cli.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What a terminal shows of a long transfer, and what a pipe gets: nothing. */
class ProgressTest {
  @Test
  void aTerminalSeesBytesOfTheTotalTheRateAndTheTimeLeftOnOneLine() {
    StringWriter shown = new StringWriter();
    Progress progress = Progress.always(new PrintWriter(shown), "persisting", 3L << 30);
    progress.accept(1L << 30);
    progress.accept(3L << 30);
    progress.finish();
    String[] draws = shown.toString().split("\r");
    assertTrue(draws[1].startsWith("persisting: 1.0 GiB of 3.0 GiB, "), draws[1]);
    assertTrue(draws[1].contains("/s, ") && draws[1].contains(" s left"), draws[1]);
    assertTrue(draws[2].startsWith("persisting: 3.0 GiB of 3.0 GiB, "), draws[2]);
    assertTrue(draws[2].endsWith("\n"), "the line is ended once done");
  }

  @Test
  void notATerminalSeesNothing() {
    StringWriter shown = new StringWriter();
    // tests run with stderr redirected, as a pipe or a log file is
    Progress progress = Progress.of(new PrintWriter(shown), "recovering", 100);
    progress.accept(50);
    progress.finish();
    assertEquals("", shown.toString());
  }

  @Test
  void sizesReadAsAPersonWritesThem() {
    assertEquals("512 B", Progress.bytes(512));
    assertEquals("1.5 KiB", Progress.bytes(1536));
    assertEquals("300.0 MiB", Progress.bytes(300L << 20));
  }
}
