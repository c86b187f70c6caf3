package dev.porter.cli;

import dev.porter.core.engine.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows progress on a terminal: the current table, rows so far and rows per second, redrawn at most
 * five times a second. Prints nothing when the stream is not a terminal.
 */
final class ProgressPrinter implements Progress {
  private final PrintWriter err;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private String table = "";
  private long tableRows;
  private long totalRows;
  private long lastDraw;
  private int width;

  ProgressPrinter(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  @Override
  public void tableStarted(String name, long expectedRows) {
    table = name;
    tableRows = 0;
    draw(true);
  }

  @Override
  public void rows(long rows) {
    tableRows += rows;
    totalRows += rows;
    draw(false);
  }

  @Override
  public void phase(String name) {
    table = name;
    draw(true);
  }

  private void draw(boolean force) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    double secs = Math.max(1e-3, (now - start) / 1e9);
    String line =
        String.format(
            Locale.ROOT,
            "  %s: %,d rows | total %,d rows, %,.0f rows/s, %.0f s",
            table,
            tableRows,
            totalRows,
            totalRows / secs,
            secs);
    int pad = Math.max(0, width - line.length());
    width = line.length();
    err.print("\r" + line + " ".repeat(pad));
    err.flush();
  }

  /** Clears the progress line before the summary is printed. */
  void done() {
    if (enabled && width > 0) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
    }
  }
}
