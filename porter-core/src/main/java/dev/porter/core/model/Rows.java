package dev.porter.core.model;

/** Helpers for rows: {@code Object[]} of values in data-column order. */
public final class Rows {
  private Rows() {}

  /**
   * About how many bytes a row's values hold: the length of each byte array, string and {@link
   * Utf8Text}, 8 for any other value. For bounding how much is held in memory at once, not an exact
   * size.
   */
  public static long approximateBytes(Object[] row) {
    long bytes = 0;
    for (Object v : row) {
      bytes +=
          v instanceof byte[] a
              ? a.length
              : v instanceof String s ? s.length() : v instanceof Utf8Text t ? t.utf8().length : 8;
    }
    return bytes;
  }
}
