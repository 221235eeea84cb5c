package io.cairn.cli.terminal;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Progress of a long transfer on stderr, when stderr is a terminal: bytes done of the total, the
 * rate and the time left, on one line rewritten at most five times a second. Piped or redirected
 * output gets nothing, so logs and scripts stay clean.
 */
public final class Progress implements LongConsumer {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final String what;
  private final long total;
  private final boolean shown;
  private final long started = System.nanoTime();
  private long drawn;
  private boolean anyDrawn;

  private Progress(PrintWriter err, String what, long total, boolean shown) {
    this.err = err;
    this.what = what;
    this.total = total;
    this.shown = shown;
  }

  /**
   * Progress of {@code what} over {@code total} bytes (0 when unknown), shown on a terminal only.
   */
  public static Progress of(PrintWriter err, String what, long total) {
    return new Progress(err, what, total, System.console() != null);
  }

  /** The same, shown whatever stderr is: for a test, or a user who asks. */
  static Progress always(PrintWriter err, String what, long total) {
    return new Progress(err, what, total, true);
  }

  @Override
  public void accept(long done) {
    long now = System.nanoTime();
    if (!shown || (anyDrawn && now - drawn < REDRAW_NANOS && done < total)) {
      return;
    }
    drawn = now;
    anyDrawn = true;
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    double rate = done / seconds;
    StringBuilder line = new StringBuilder("\r").append(what).append(": ").append(bytes(done));
    if (total > 0) {
      line.append(" of ").append(bytes(total));
    }
    line.append(", ").append(bytes((long) rate)).append("/s");
    if (total > 0 && rate > 0 && done < total) {
      line.append(String.format(Locale.ROOT, ", %.0f s left", (total - done) / rate));
    }
    err.print(line.append("   "));
    err.flush();
  }

  /** Ends the progress line, if one was drawn. */
  public void finish() {
    if (anyDrawn) {
      err.println();
      err.flush();
    }
  }

  static String bytes(long count) {
    if (count < 1024) {
      return count + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = count;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
