package dev.porter.core.sqlite;

import dev.porter.core.archive.RawRow;
import dev.porter.core.model.Utf8Text;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Encodes rows in SQLite's record format (sqlite.org/fileformat2.html, "Record Format"), exactly as
 * SQLite stores them after an INSERT, or says that it cannot. A value is encoded only where
 * SQLite's column affinity would keep it as it is (sqlite.org/datatype3.html, "Type Affinity"), or
 * where the change affinity makes is certain: a REAL with no fractional part in an INTEGER, REAL or
 * NUMERIC column is stored as an integer, as SQLite does. Text that SQLite might read as a number
 * in a numeric column, a NaN, a value of another kind, a NULL in a NOT NULL column: these are not
 * encoded, and the row goes through an INSERT instead.
 */
final class SqliteRecords {
  /** A column's affinity, by SQLite's rules for a declared type. */
  enum Affinity {
    INTEGER,
    TEXT,
    BLOB,
    REAL,
    NUMERIC;

    /** The five rules of sqlite.org/datatype3.html §3.1, in their order. */
    static Affinity of(String declared) {
      String t = declared == null ? "" : declared.toUpperCase(Locale.ROOT);
      if (t.contains("INT")) {
        return INTEGER;
      }
      if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
        return TEXT;
      }
      if (t.contains("BLOB") || t.isBlank()) {
        return BLOB;
      }
      if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) {
        return REAL;
      }
      return NUMERIC;
    }

    boolean numeric() {
      return this == INTEGER || this == REAL || this == NUMERIC;
    }
  }

  /** Larger values are left to SQLite, whose limits then apply. */
  private static final int MAX_VALUE_BYTES = 1 << 28;

  private final Affinity[] affinity;
  private final boolean[] notNull;

  /** For each column of the table, its value's index in a row; -1 for the rowid alias. */
  private final int[] source;

  /** Serial types 8 and 9 (integers 0 and 1 without a body) exist from schema format 4. */
  private final boolean smallIntegers;

  private final int[] serial;
  private final long[] integers;

  /** A text or blob value's bytes: the array, where they start in it, how many. */
  private final byte[][] bytes;

  private final int[] from;
  private final int[] count;
  private byte[] out = new byte[256];
  private int length;

  /** Stores eight bytes of a {@code byte[]} at once, most significant first. */
  private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  SqliteRecords(Affinity[] affinity, boolean[] notNull, int[] source, boolean smallIntegers) {
    this.affinity = affinity.clone();
    this.notNull = notNull.clone();
    this.source = source.clone();
    this.smallIntegers = smallIntegers;
    this.serial = new int[affinity.length];
    this.integers = new long[affinity.length];
    this.bytes = new byte[affinity.length][];
    this.from = new int[affinity.length];
    this.count = new int[affinity.length];
  }

  /** The last record encoded; valid until the next call of {@link #encode}. */
  byte[] record() {
    return out;
  }

  int length() {
    return length;
  }

  /**
   * Encodes one row into {@link #record()}; false, with nothing encoded, when SQLite's INSERT could
   * store any of its values otherwise than as given here.
   */
  boolean encode(Object[] row) {
    int header = 0;
    long body = 0;
    for (int c = 0; c < source.length; c++) {
      bytes[c] = null;
      int s;
      if (source[c] < 0) {
        s = 0; // the rowid alias: its value is the key of the cell, the record holds NULL
      } else {
        Object v = row[source[c]];
        // The value's class compared, not instanceof: C2 speculates from an instanceof's profile,
        // and the first table with a BLOB then undid the compiled encoder in every import
        // (docs/benchmark-history.md, thirteenth session). All five classes are final.
        Class<?> k = v == null ? null : v.getClass();
        if (k == null) {
          s = nullType(c);
        } else if (k == Long.class || k == Integer.class) {
          s = integerType(c, ((Number) v).longValue());
        } else if (k == Double.class) {
          s = realType(c, (Double) v);
        } else if (k == String.class || k == Utf8Text.class) {
          if (affinity[c].numeric() && mayBeNumber(v.toString())) {
            return false;
          }
          byte[] b =
              k == String.class
                  ? ((String) v).getBytes(StandardCharsets.UTF_8)
                  : ((Utf8Text) v).utf8(); // ASCII, as the archive reader hands it out
          s = bytesType(c, b, 0, b.length, 13);
        } else if (k == byte[].class) {
          byte[] b = (byte[]) v;
          s = bytesType(c, b, 0, b.length, 12);
        } else {
          return false;
        }
        if (s < 0) {
          return false;
        }
      }
      serial[c] = s;
      header += s < 0x80 ? 1 : varintLength(s);
      body += bodyLength(s);
    }
    return write(header, body);
  }

  /**
   * Encodes one row read by an archive's decoding thread, as {@link #encode(Object[])} encodes the
   * objects the same values decode to: the same decisions, value by value, and the same bytes.
   */
  boolean encode(RawRow row) {
    int header = 0;
    long body = 0;
    for (int c = 0; c < source.length; c++) {
      bytes[c] = null;
      int s;
      int i = source[c];
      if (i < 0) {
        s = 0; // the rowid alias
      } else {
        switch (row.kind(i)) {
          case RawRow.NULL -> s = nullType(c);
          case RawRow.INTEGER -> s = integerType(c, row.integer(i));
          case RawRow.REAL -> s = realType(c, row.real(i));
          case RawRow.TEXT -> {
            byte[] a = row.array();
            int off = row.offset(i);
            int len = row.length(i);
            if (affinity[c].numeric() && mayBeNumber(a, off, len)) {
              return false;
            }
            if (!SqliteTableScan.ascii(a, off, len)) {
              // as the object path: decoded (malformed bytes replaced), then encoded again
              a = new String(a, off, len, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
              off = 0;
              len = a.length;
            }
            s = bytesType(c, a, off, len, 13);
          }
          case RawRow.BLOB -> s = bytesType(c, row.array(), row.offset(i), row.length(i), 12);
          default -> s = -1;
        }
        if (s < 0) {
          return false;
        }
      }
      serial[c] = s;
      header += s < 0x80 ? 1 : varintLength(s);
      body += bodyLength(s);
    }
    return write(header, body);
  }

  /** Column {@code c}'s serial type for a NULL; -1 in a NOT NULL column. */
  private int nullType(int c) {
    return notNull[c] ? -1 : 0;
  }

  /** Column {@code c}'s serial type for an integer, its value kept; -1 in a TEXT column. */
  private int integerType(int c, long n) {
    if (affinity[c] == Affinity.TEXT) {
      return -1;
    }
    integers[c] = n;
    return integerType(n);
  }

  /**
   * Column {@code c}'s serial type for a real, its value kept: an integer where SQLite's numeric
   * affinities store it as one; -1 for a NaN or in a TEXT column.
   */
  private int realType(int c, double x) {
    if (Double.isNaN(x) || affinity[c] == Affinity.TEXT) {
      return -1;
    }
    long n = (long) x;
    if (affinity[c].numeric() && x == n && n > Long.MIN_VALUE && n < Long.MAX_VALUE) {
      integers[c] = n; // as SQLite's numeric affinities store it
      return integerType(n);
    }
    integers[c] = Double.doubleToRawLongBits(x);
    return 7;
  }

  /**
   * Column {@code c}'s serial type for text ({@code base} 13) or a blob (12) of {@code a[off, off +
   * len)}, its bytes kept; -1 past {@link #MAX_VALUE_BYTES}.
   */
  private int bytesType(int c, byte[] a, int off, int len, int base) {
    if (len > MAX_VALUE_BYTES) {
      return -1;
    }
    bytes[c] = a;
    from[c] = off;
    count[c] = len;
    return base + 2 * len;
  }

  /** Writes the record of the serial types and values gathered; false if it would be too long. */
  private boolean write(int header, long body) {
    int h = header + 1;
    while (varintLength(h) > h - header) {
      h = header + varintLength(h);
    }
    long total = h + body;
    if (total > Integer.MAX_VALUE - 16) {
      return false;
    }
    ensure((int) total + 8);
    int p = putVarint(out, 0, h);
    for (int c = 0; c < source.length; c++) {
      p = putVarint(out, p, serial[c]);
    }
    for (int c = 0; c < source.length; c++) {
      int s = serial[c];
      if (s >= 12) {
        System.arraycopy(bytes[c], from[c], out, p, count[c]);
        p += count[c];
        bytes[c] = null;
      } else {
        int n = bodyLength(s);
        if (n > 0) {
          // the value's n low bytes, big-endian, as one 8-byte store: a loop a byte at a time is
          // not unrolled by C2 here (ADR 0019); the bytes past n are overwritten or past the end
          BIG_ENDIAN_LONGS.set(out, p, integers[c] << (64 - 8 * n));
          p += n;
        }
      }
    }
    length = p;
    return true;
  }

  private void ensure(int size) {
    if (out.length < size) {
      out = new byte[Math.max(size, out.length * 2)];
    }
  }

  /** The smallest serial type for an integer, as SQLite chooses it. */
  private int integerType(long i) {
    return integerType(i, smallIntegers);
  }

  /**
   * The smallest serial type for an integer, as SQLite chooses it; {@code small}: 0 and 1 take no
   * bytes (schema format 4).
   */
  static int integerType(long i, boolean small) {
    long u = i < 0 ? ~i : i;
    if (u <= 127) {
      return small && (i == 0 || i == 1) ? 8 + (int) i : 1;
    }
    if (u <= 32767) {
      return 2;
    }
    if (u <= 8388607) {
      return 3;
    }
    if (u <= 2147483647L) {
      return 4;
    }
    if (u <= (1L << 47) - 1) {
      return 5;
    }
    return 6;
  }

  static int bodyLength(int serial) {
    return switch (serial) {
      case 0, 8, 9 -> 0;
      case 1 -> 1;
      case 2 -> 2;
      case 3 -> 3;
      case 4 -> 4;
      case 5 -> 6;
      case 6, 7 -> 8;
      default -> (serial - 12) / 2;
    };
  }

  /**
   * True when SQLite's numeric affinity might turn this text into a number: after the spaces SQLite
   * skips, an optional sign, digits and points with at least one digit, an optional exponent. Wider
   * than SQLite's own test (it also takes "1.2.3"), never narrower; such text is inserted by
   * SQLite, which decides.
   */
  static boolean mayBeNumber(String s) {
    // every character the test takes is ASCII, and ISO-8859-1 turns any other into a byte it
    // does not take (a high byte, or '?')
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return mayBeNumber(b, 0, b.length);
  }

  /**
   * {@link #mayBeNumber(String)} of the UTF-8 text in {@code a[off, off + len)}: the same answer,
   * since every character the test takes is ASCII and a byte of any other character is not.
   */
  static boolean mayBeNumber(byte[] a, int off, int len) {
    int n = off + len;
    int i = off;
    while (i < n && isSpace((char) a[i])) {
      i++;
    }
    while (n > i && isSpace((char) a[n - 1])) {
      n--;
    }
    if (i < n && (a[i] == '+' || a[i] == '-')) {
      i++;
    }
    boolean digit = false;
    while (i < n) {
      byte c = a[i];
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.') {
        break;
      }
      i++;
    }
    if (!digit) {
      return false;
    }
    if (i < n && (a[i] == 'e' || a[i] == 'E')) {
      i++;
      if (i < n && (a[i] == '+' || a[i] == '-')) {
        i++;
      }
      while (i < n && a[i] >= '0' && a[i] <= '9') {
        i++;
      }
    }
    return i == n;
  }

  /** The characters SQLite's {@code sqlite3Isspace} takes. */
  private static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  static int varintLength(long v) {
    int bits = 64 - Long.numberOfLeadingZeros(v);
    return bits > 56 ? 9 : bits == 0 ? 1 : (bits + 6) / 7;
  }

  /** Writes SQLite's big-endian varint (nine bytes at most, the last one of eight bits). */
  static int putVarint(byte[] b, int p, long v) {
    if ((v & ~0x7FL) == 0) {
      b[p] = (byte) v;
      return p + 1;
    }
    if (v < 0 || (v >>> 56) != 0) {
      b[p + 8] = (byte) v;
      v >>>= 8;
      for (int i = 7; i >= 0; i--) {
        b[p + i] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      return p + 9;
    }
    int n = varintLength(v);
    for (int i = n - 1; i >= 0; i--) {
      b[p + i] = (byte) ((v & 0x7F) | (i == n - 1 ? 0 : 0x80));
      v >>>= 7;
    }
    return p + n;
  }
}
