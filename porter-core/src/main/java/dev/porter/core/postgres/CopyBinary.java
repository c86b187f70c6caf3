package dev.porter.core.postgres;

import dev.porter.core.model.DecimalText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * COPY's binary format (PostgreSQL documentation, "COPY", section "Binary Format") for the pairs of
 * column type and value where porter's value is exactly what the column stores: the server then
 * skips parsing text, and porter skips rendering it. Anything else — another value class, a value
 * the column would round, reject or count as a coercion, a type not listed here — is not encoded
 * ({@link #encode} returns false) and the table goes on in COPY's text format, whose checks and
 * messages are the reference.
 */
final class CopyBinary {
  /** The signature, the flags field and the header-extension length. */
  static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  /** The file trailer: a tuple field count of -1. */
  static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

  /** Seconds and days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
  static final long PG_EPOCH_SECONDS = 946_684_800L;

  static final long PG_EPOCH_DAYS = 10_957L;

  /** Years well inside what timestamp and date hold; values beyond go through text. */
  private static final int MIN_YEAR = -4000;

  private static final int MAX_YEAR = 200_000;

  private static final int[] POW10 = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000};

  private static final byte[] ONE = {1};

  private static final byte[] ZERO = {0};

  /** How a column's values are encoded, or null when its type has no binary path here. */
  enum Kind {
    INT2,
    INT4,
    INT8,
    FLOAT4,
    FLOAT8,
    BOOL,
    TEXT,
    JSON,
    JSONB,
    BYTEA,
    UUID,
    DATE,
    TIMESTAMP,
    TIMESTAMPTZ,
    NUMERIC,
    TEXT_ARRAY,
    VARCHAR_ARRAY
  }

  /** The element types' oids (fixed for built-in types) that array_recv checks. */
  private static final int TEXT_OID = 25;

  private static final int VARCHAR_OID = 1043;

  private CopyBinary() {}

  static Kind kind(PgColumn c) {
    if (c.category() == 'A') {
      return switch (c.base()) {
        case "_text" -> Kind.TEXT_ARRAY;
        case "_varchar" -> Kind.VARCHAR_ARRAY;
        default -> null;
      };
    }
    return switch (c.base()) {
      case "int2" -> Kind.INT2;
      case "int4" -> Kind.INT4;
      case "int8" -> Kind.INT8;
      case "float4" -> Kind.FLOAT4;
      case "float8" -> Kind.FLOAT8;
      case "bool" -> Kind.BOOL;
      case "text", "varchar", "bpchar" -> Kind.TEXT;
      case "json" -> Kind.JSON;
      case "jsonb" -> Kind.JSONB;
      case "bytea" -> Kind.BYTEA;
      case "uuid" -> Kind.UUID;
      case "date" -> Kind.DATE;
      case "timestamp" -> Kind.TIMESTAMP;
      case "timestamptz" -> Kind.TIMESTAMPTZ;
      case "numeric" -> Kind.NUMERIC;
      default -> null;
    };
  }

  /**
   * Each column's kind by {@code kindOf} (the encoder's {@link #kind} or the decoder's), or null
   * when a column has none: the table then goes as text.
   */
  static Kind[] kinds(List<PgColumn> cols, Function<PgColumn, Kind> kindOf) {
    Kind[] kinds = new Kind[cols.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = kindOf.apply(cols.get(i));
      if (kinds[i] == null) {
        return null;
      }
    }
    return kinds;
  }

  /** A growable byte buffer with COPY's big-endian field writers. */
  static final class Buffer {
    private byte[] b = new byte[1 << 10];
    private int n;

    int length() {
      return n;
    }

    void truncate(int length) {
      n = length;
    }

    byte[] array() {
      return b;
    }

    void clear() {
      n = 0;
    }

    /** Empties the buffer and lets its memory go. */
    void release() {
      n = 0;
      b = new byte[0];
    }

    private void room(int more) {
      if (n + more > b.length) {
        b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
      }
    }

    void bytes(byte[] v) {
      room(v.length);
      System.arraycopy(v, 0, b, n, v.length);
      n += v.length;
    }

    void int16(int v) {
      room(2);
      b[n++] = (byte) (v >>> 8);
      b[n++] = (byte) v;
    }

    void int32(int v) {
      room(4);
      b[n++] = (byte) (v >>> 24);
      b[n++] = (byte) (v >>> 16);
      b[n++] = (byte) (v >>> 8);
      b[n++] = (byte) v;
    }

    void int64(long v) {
      int32((int) (v >>> 32));
      int32((int) v);
    }

    /** Overwrites the four bytes at {@code at} with {@code v}. */
    void patch(int at, int v) {
      b[at] = (byte) (v >>> 24);
      b[at + 1] = (byte) (v >>> 16);
      b[at + 2] = (byte) (v >>> 8);
      b[at + 3] = (byte) v;
    }

    /** A field's length, then its bytes. */
    void field(byte[] v) {
      int32(v.length);
      bytes(v);
    }

    /** A field of {@code v}'s UTF-8 bytes, optionally after one prefix byte (jsonb's version). */
    void utf8Field(String v, int prefix) {
      int at = n;
      int32(0);
      if (prefix >= 0) {
        room(1);
        b[n++] = (byte) prefix;
      }
      int len = v.length();
      room(len);
      int i = 0;
      for (; i < len; i++) { // ASCII straight in; the rest through the JDK's encoder
        char ch = v.charAt(i);
        if (ch >= 0x80) {
          break;
        }
        b[n++] = (byte) ch;
      }
      if (i < len) {
        byte[] rest = v.substring(i).getBytes(StandardCharsets.UTF_8);
        room(rest.length);
        System.arraycopy(rest, 0, b, n, rest.length);
        n += rest.length;
      }
      patch(at, n - at - 4);
    }
  }

  /**
   * Appends one field (its length and bytes; -1 for NULL) if {@code v} is exactly what a column of
   * this kind stores, and returns whether it did. On false nothing was appended.
   */
  static boolean encode(Kind k, PgColumn c, Object v, Buffer out) {
    if (v == null) {
      out.int32(-1);
      return true;
    }
    switch (k) {
      case INT8:
        if (v instanceof Long l) {
          out.int32(8);
          out.int64(l);
          return true;
        }
        return false;
      case INT4:
        if (v instanceof Long l && l == (int) (long) l) {
          out.int32(4);
          out.int32((int) (long) l);
          return true;
        }
        return false;
      case INT2:
        if (v instanceof Long l && l == (short) (long) l) {
          out.int32(2);
          out.int16((int) (long) l);
          return true;
        }
        return false;
      case FLOAT8:
        if (v instanceof Double d) {
          out.int32(8);
          out.int64(Double.doubleToLongBits(d));
          return true;
        }
        return false;
      case FLOAT4:
        if (v instanceof Double d && ((double) (float) (double) d == d || d.isNaN())) {
          out.int32(4);
          out.int32(Float.floatToIntBits((float) (double) d));
          return true;
        }
        return false;
      case BOOL:
        if (v instanceof Boolean b) {
          out.int32(1);
          out.bytes(b ? ONE : ZERO);
          return true;
        }
        return false;
      case TEXT:
      case JSON:
      case JSONB:
        if (v instanceof String s && s.indexOf('\0') < 0) {
          out.utf8Field(s, k == Kind.JSONB ? 1 : -1);
          return true;
        }
        return false;
      case BYTEA:
        if (v instanceof byte[] b) {
          out.field(b);
          return true;
        }
        return false;
      case UUID:
        if (v instanceof UUID u) {
          out.int32(16);
          out.int64(u.getMostSignificantBits());
          out.int64(u.getLeastSignificantBits());
          return true;
        }
        return false;
      case DATE:
        if (v instanceof LocalDate d && d.getYear() >= MIN_YEAR && d.getYear() <= MAX_YEAR) {
          out.int32(4);
          out.int32((int) (d.toEpochDay() - PG_EPOCH_DAYS));
          return true;
        }
        return false;
      case TIMESTAMP:
        if (v instanceof LocalDateTime d) {
          return micros(d.getYear(), d.toEpochSecond(ZoneOffset.UTC), d.getNano(), c, out);
        }
        return false;
      case TIMESTAMPTZ:
        if (v instanceof Instant i) {
          long s = i.getEpochSecond();
          // the year, roughly: only to keep far-off instants (and Instant.MIN/MAX) on the text path
          long year = 1970 + Math.floorDiv(s, 31_556_952L);
          return micros(year, s, i.getNano(), c, out);
        }
        return false;
      case NUMERIC:
        if (v instanceof DecimalText t) {
          return numericText(t, c, out);
        }
        return v instanceof BigDecimal d && numeric(d, c, out);
      case TEXT_ARRAY:
      case VARCHAR_ARRAY:
        return v instanceof String s
            && textArray(s, k == Kind.TEXT_ARRAY ? TEXT_OID : VARCHAR_OID, out);
    }
    return false;
  }

  /**
   * A one-dimensional array of text in the form PostgreSQL's array output writes it — {@code {}},
   * or elements between commas, each NULL, bare (no space, quote, backslash or brace) or in double
   * quotes with {@code \\} escapes — as array_recv reads it: dimensions, a has-nulls flag, the
   * element type, then each element's length and UTF-8 bytes. Any other form (bounds, more
   * dimensions, spaces PostgreSQL would trim) goes through text.
   */
  static boolean textArray(String v, int elementOid, Buffer out) {
    int end = v.length() - 1;
    if (end < 1 || v.charAt(0) != '{' || v.charAt(end) != '}' || v.indexOf('\0') >= 0) {
      return false;
    }
    int start = out.length();
    out.int32(0); // the field's length, set below
    out.int32(end == 1 ? 0 : 1);
    int flags = out.length();
    out.int32(0);
    out.int32(elementOid);
    if (end == 1) {
      out.patch(start, out.length() - start - 4);
      return true;
    }
    int count = out.length();
    out.int32(0);
    out.int32(1);
    int n = 0;
    boolean nulls = false;
    int i = 1;
    StringBuilder quoted = null;
    while (true) {
      if (i >= end) {
        out.truncate(start);
        return false; // an empty element
      }
      if (v.charAt(i) == '"') {
        quoted = quoted == null ? new StringBuilder() : quoted;
        quoted.setLength(0);
        i++;
        while (i < end && v.charAt(i) != '"') {
          if (v.charAt(i) == '\\') {
            i++;
          }
          if (i < end) {
            quoted.append(v.charAt(i++));
          }
        }
        if (i >= end) {
          out.truncate(start);
          return false;
        }
        i++; // the closing quote
        out.utf8Field(quoted.toString(), -1);
      } else {
        int from = i;
        while (i < end && v.charAt(i) != ',') {
          char ch = v.charAt(i);
          if (ch == '{' || ch == '}' || ch == '"' || ch == '\\' || Character.isWhitespace(ch)) {
            out.truncate(start);
            return false;
          }
          i++;
        }
        if (i == from) {
          out.truncate(start);
          return false;
        }
        String e = v.substring(from, i);
        if (e.equalsIgnoreCase("NULL")) {
          out.int32(-1);
          nulls = true;
        } else {
          out.utf8Field(e, -1);
        }
      }
      n++;
      if (i == end) {
        break;
      }
      if (v.charAt(i) != ',') {
        out.truncate(start);
        return false;
      }
      i++;
    }
    out.patch(count, n);
    out.patch(flags, nulls ? 1 : 0);
    out.patch(start, out.length() - start - 4);
    return true;
  }

  private static boolean micros(long year, long epochSecond, int nano, PgColumn c, Buffer out) {
    if (year < MIN_YEAR || year > MAX_YEAR || nano % 1000 != 0) {
      return false;
    }
    int p = c.timePrecision();
    if (p < 6 && (nano / 1000) % POW10[6 - p] != 0) {
      return false; // the column would round it: the text path refuses or counts that
    }
    out.int32(8);
    out.int64((epochSecond - PG_EPOCH_SECONDS) * 1_000_000L + nano / 1000);
    return true;
  }

  /**
   * {@link #numeric} for at most 15 digits and a scale of at least 0, in long arithmetic: the
   * unscaled value times the padding to a base-10000 boundary stays below 10^18.
   */
  static boolean smallNumeric(BigDecimal d, PgColumn c, Buffer out) {
    return smallNumeric(d.signum() < 0, Math.abs(d.unscaledValue().longValue()), d.scale(), c, out);
  }

  /**
   * {@link #numeric} for a value in plain decimal text, read digit by digit into the same long
   * arithmetic as {@link #smallNumeric}, without a {@code BigDecimal} (parsing one for each value,
   * and compiling that parser, took about 0.1 s of a scale-1 import: ADR 0041); through the {@code
   * BigDecimal} beyond 15 significant digits.
   */
  static boolean numericText(DecimalText t, PgColumn c, Buffer out) {
    String v = t.text();
    int n = v.length();
    boolean negative = v.charAt(0) == '-';
    long u = 0;
    int significant = 0;
    int scale = 0;
    boolean fraction = false;
    for (int i = negative ? 1 : 0; i < n; i++) {
      char ch = v.charAt(i);
      if (ch == '.') {
        fraction = true;
        continue;
      }
      if (fraction) {
        scale++;
      }
      if (significant > 0 || ch != '0') {
        if (++significant > 15) {
          return numeric(t.value(), c, out);
        }
        u = u * 10 + (ch - '0');
      }
    }
    if (scale > 1000) {
      return numeric(t.value(), c, out);
    }
    return smallNumeric(negative && u != 0, u, scale, c, out);
  }

  /** {@link #smallNumeric} for the unscaled value's magnitude {@code u}, below 10^15. */
  private static boolean smallNumeric(boolean negative, long u, int scale, PgColumn c, Buffer out) {
    int p = c.numericPrecision();
    if (p >= 0 && u != 0) {
      int s = c.numericScale();
      int zeros = 0; // trailing zeros of the fraction: the scale the value really needs
      for (long x = u; zeros < scale && x % 10 == 0; x /= 10) {
        zeros++;
      }
      if (scale - zeros > s || digits(u) - scale > p - s) {
        return false;
      }
    }
    int pad = (4 - scale % 4) % 4;
    int fracGroups = (scale + pad) / 4;
    long x = u * POW10[pad];
    int[] groups = new int[5]; // least significant first
    int k = 0;
    while (x != 0) {
      groups[k++] = (int) (x % 10_000);
      x /= 10_000;
    }
    int t = 0;
    while (t < k && groups[t] == 0) {
      t++;
    }
    int ndigits = k - t;
    out.int32(8 + 2 * ndigits);
    out.int16(ndigits);
    out.int16(ndigits == 0 ? 0 : k - fracGroups - 1);
    out.int16(negative ? 0x4000 : 0);
    out.int16(scale);
    for (int i = k - 1; i >= t; i--) {
      out.int16(groups[i]);
    }
    return true;
  }

  /** How many decimal digits {@code u}, above 0, has: a {@code BigDecimal}'s precision. */
  private static int digits(long u) {
    int n = 1;
    for (long x = u; x >= 10; x /= 10) {
      n++;
    }
    return n;
  }

  /**
   * numeric's binary form: digit count, weight (of the first base-10000 digit), sign, display
   * scale, then the base-10000 digits. Only values the column keeps without rounding.
   */
  private static boolean numeric(BigDecimal d, PgColumn c, Buffer out) {
    if (d.precision() <= 15 && d.scale() >= 0 && d.scale() <= 1000) {
      return smallNumeric(d, c, out);
    }
    return anyNumeric(d, c, out);
  }

  /** {@link #numeric} for any value, through its decimal digits. */
  static boolean anyNumeric(BigDecimal d, PgColumn c, Buffer out) {
    int scale = d.scale();
    if (scale > 1000 || scale < -1000 || d.precision() > 1000) {
      return false;
    }
    int p = c.numericPrecision();
    if (p >= 0) {
      int s = c.numericScale();
      BigDecimal stripped = d.stripTrailingZeros();
      if (Math.max(0, stripped.scale()) > s) {
        return false;
      }
      if (stripped.signum() != 0 && stripped.precision() - stripped.scale() > p - s) {
        return false;
      }
    }
    BigInteger unscaled = d.unscaledValue().abs();
    int dscale = Math.max(0, scale);
    if (scale < 0) {
      unscaled = unscaled.multiply(BigInteger.TEN.pow(-scale));
      scale = 0;
    }
    // Align the decimal point to a base-10000 digit boundary.
    int pad = (4 - scale % 4) % 4;
    int fracGroups = (scale + pad) / 4;
    String digits = unscaled.toString() + "000".substring(0, pad);
    int lead = (4 - digits.length() % 4) % 4;
    int groups = (digits.length() + lead) / 4;
    int[] g = new int[groups];
    int pos = -lead;
    for (int i = 0; i < groups; i++) {
      int x = 0;
      for (int j = 0; j < 4; j++, pos++) {
        x = x * 10 + (pos < 0 ? 0 : digits.charAt(pos) - '0');
      }
      g[i] = x;
    }
    int first = 0;
    while (first < groups && g[first] == 0) {
      first++;
    }
    int last = groups - 1;
    while (last >= first && g[last] == 0) {
      last--;
    }
    int ndigits = last - first + 1;
    int weight = ndigits == 0 ? 0 : groups - fracGroups - 1 - first;
    out.int32(8 + 2 * ndigits);
    out.int16(ndigits);
    out.int16(weight);
    out.int16(d.signum() < 0 ? 0x4000 : 0);
    out.int16(dscale);
    for (int i = first; i <= last; i++) {
      out.int16(g[i]);
    }
    return true;
  }
}
