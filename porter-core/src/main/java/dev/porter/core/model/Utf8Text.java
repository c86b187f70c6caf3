package dev.porter.core.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A TEXT value carried as its UTF-8 bytes, from a source that reads them as bytes to the archive
 * writer, which stores them as they are: decoding them into a {@link String} only for the writer to
 * encode it again was a fifth of a SQLite export's encoding threads (docs/benchmarks.md). It is the
 * same value as the {@code String} of its bytes. Sources hand it out, only to an archive writer;
 * the archive reader gives the {@code String}, except to a sink that takes it ({@link
 * dev.porter.core.dialect.RowSink#takesUtf8Text}: a plain restore into a SQLite table written as
 * pages), which then gets ASCII text this way, also through the steps of an app import whose routes
 * say they pass it on ({@link dev.porter.core.transform.RowOp#takesUtf8Text}). No app's function
 * sees it: those routes give it the {@code String}
 * (docs/decisions/0031-ascii-text-as-bytes-on-export.md).
 *
 * <p>The bytes are taken, not copied: whoever makes one must not change them afterwards.
 */
public final class Utf8Text {
  private final byte[] utf8;

  private Utf8Text(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** Takes {@code utf8}, which must be valid UTF-8 and is not copied. */
  public static Utf8Text owning(byte[] utf8) {
    return new Utf8Text(utf8);
  }

  /** The bytes themselves, not a copy: they must not be changed. */
  public byte[] utf8() {
    return utf8;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Utf8Text other && Arrays.equals(utf8, other.utf8);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(utf8);
  }

  /** The text. */
  @Override
  public String toString() {
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
