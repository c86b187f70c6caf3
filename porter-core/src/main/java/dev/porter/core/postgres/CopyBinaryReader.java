package dev.porter.core.postgres;

import dev.porter.core.model.DecimalText;
import dev.porter.core.model.SpecialNumber;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

/**
 * Reads rows of COPY's binary format into the same Java values {@link PgValues#parse} makes of COPY
 * text, for the column types that have a decoder here ({@link #kind}); a table with any other
 * column is read as text. Each value's form is PostgreSQL's send function's (numeric_send,
 * timestamp_send, array_send …), documented under "COPY", "Binary Format".
 */
final class CopyBinaryReader {
  private final InputStream in;
  private final CopyBinary.Kind[] kinds;
  private byte[] buf = new byte[1 << 16];

  /** Scratch for {@link #numeric}'s text: a reader is used by one thread. */
  private final StringBuilder text = new StringBuilder(32);

  private int pos;
  private int len;
  private boolean header;
  private boolean done;

  CopyBinaryReader(InputStream in, CopyBinary.Kind[] kinds) {
    this.in = in;
    this.kinds = kinds;
  }

  /**
   * How a column of this type is decoded, or null when it has no decoder (the table is read as
   * text). The kinds are the encoder's; a few more types are read than written ({@code name}, and
   * {@code money}, which is selected as numeric).
   */
  static CopyBinary.Kind kind(PgColumn c) {
    if (c.category() != 'A' && c.base().equals("name")) {
      return CopyBinary.Kind.TEXT;
    }
    if (c.category() != 'A' && c.base().equals("money")) {
      return CopyBinary.Kind.NUMERIC;
    }
    return CopyBinary.kind(c);
  }

  /** The next row, or null after the trailer. */
  Object[] next() throws IOException {
    if (!header) {
      readHeader();
      header = true;
    }
    if (done) {
      return null;
    }
    int fields = int16();
    if (fields == -1) {
      // the trailer; the COPY ends when its stream does, which lets the connection go on
      done = true;
      while (in.read(buf, 0, buf.length) >= 0) {
        // nothing follows the trailer
      }
      return null;
    }
    if (fields != kinds.length) {
      throw new IOException("COPY binary row has " + fields + " fields, expected " + kinds.length);
    }
    Object[] row = new Object[fields];
    for (int i = 0; i < fields; i++) {
      int n = int32();
      if (n < 0) {
        continue;
      }
      need(n);
      row[i] = value(kinds[i], n);
      pos += n;
    }
    return row;
  }

  private void readHeader() throws IOException {
    need(CopyBinary.HEADER.length);
    for (int i = 0; i < 11; i++) {
      if (buf[pos + i] != CopyBinary.HEADER[i]) {
        throw new IOException("COPY binary output does not start with its signature");
      }
    }
    pos += 15; // signature and flags
    int ext = int32();
    need(ext);
    pos += ext;
  }

  /** Decodes the n bytes at pos (pos is moved on by the caller). */
  private Object value(CopyBinary.Kind k, int n) throws IOException {
    boolean sized =
        switch (k) {
          case BOOL -> n == 1;
          case INT2 -> n == 2;
          case INT4, FLOAT4, DATE -> n == 4;
          case INT8, FLOAT8, TIMESTAMP, TIMESTAMPTZ -> n == 8;
          case UUID -> n == 16;
          case NUMERIC -> n >= 8;
          default -> true;
        };
    if (!sized) {
      throw new IOException("a " + k + " value of " + n + " bytes in COPY binary output");
    }
    byte[] b = buf;
    int p = pos;
    return switch (k) {
      case BOOL -> b[p] != 0;
      case INT2 -> (long) (short) int16At(p);
      case INT4 -> (long) int32At(p);
      case INT8 -> int64At(p);
      case FLOAT4 -> {
        float f = Float.intBitsToFloat(int32At(p));
        yield Float.isNaN(f) ? Double.NaN : (double) f;
      }
      case FLOAT8 -> {
        double d = Double.longBitsToDouble(int64At(p));
        yield Double.isNaN(d) ? Double.NaN : d;
      }
      case TEXT, JSON -> new String(b, p, n, StandardCharsets.UTF_8);
      case JSONB -> {
        if (n < 1 || b[p] != 1) {
          throw new IOException("jsonb in an unknown binary version " + (n < 1 ? -1 : b[p]));
        }
        yield new String(b, p + 1, n - 1, StandardCharsets.UTF_8);
      }
      case BYTEA -> Arrays.copyOfRange(b, p, p + n);
      case UUID -> new UUID(int64At(p), int64At(p + 8));
      case DATE -> {
        int days = int32At(p);
        yield days == Integer.MAX_VALUE
            ? LocalDate.MAX
            : days == Integer.MIN_VALUE
                ? LocalDate.MIN
                : LocalDate.ofEpochDay(days + CopyBinary.PG_EPOCH_DAYS);
      }
      case TIMESTAMP -> {
        Instant i = instant(int64At(p));
        yield i == Instant.MAX
            ? LocalDateTime.MAX
            : i == Instant.MIN
                ? LocalDateTime.MIN
                : LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), ZoneOffset.UTC);
      }
      case TIMESTAMPTZ -> instant(int64At(p));
      case NUMERIC -> numeric(p, n);
      case TEXT_ARRAY, VARCHAR_ARRAY -> textArray(p, n);
    };
  }

  /** Microseconds from 2000-01-01 UTC; infinity and -infinity as Instant.MAX and MIN. */
  private static Instant instant(long us) {
    if (us == Long.MAX_VALUE) {
      return Instant.MAX;
    }
    if (us == Long.MIN_VALUE) {
      return Instant.MIN;
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(us, 1_000_000L) + CopyBinary.PG_EPOCH_SECONDS,
        Math.floorMod(us, 1_000_000L) * 1000);
  }

  /**
   * numeric_send: digit count, weight, sign, display scale, base-10000 digits. The value is {@code
   * new BigDecimal(numeric_out(x))}, the display scale its scale, handed on as the text that
   * BigDecimal's {@code toPlainString} gives, which is what the archive stores: written here from
   * the digits, without the BigDecimal (ADR 0041, amended).
   */
  private Object numeric(int p, int n) throws IOException {
    int ndigits = int16At(p);
    if (8 + 2 * ndigits != n) {
      throw new IOException("numeric of " + ndigits + " digits in " + n + " bytes");
    }
    int weight = (short) int16At(p + 2);
    int sign = int16At(p + 4);
    int dscale = int16At(p + 6);
    switch (sign) {
      case 0xC000:
        return SpecialNumber.NAN;
      case 0xD000:
        return SpecialNumber.POSITIVE_INFINITY;
      case 0xF000:
        return SpecialNumber.NEGATIVE_INFINITY;
      case 0x0000:
      case 0x4000:
        break;
      default:
        throw new IOException("numeric with an unknown sign 0x" + Integer.toHexString(sign));
    }
    StringBuilder t = text;
    t.setLength(0);
    t.append('-'); // dropped below unless the value is negative and prints a digit other than 0
    boolean started = false;
    for (int g = 0; g <= weight; g++) { // the groups at and above 10^0, leading zeros left out
      int d = digit(p, g, ndigits);
      if (started) {
        fourDigits(t, d);
      } else if (d != 0) {
        t.append(d);
        started = true;
      }
    }
    if (!started) {
      t.append('0');
    }
    if (dscale > 0) {
      t.append('.');
      int end = t.length() + dscale;
      for (int g = weight + 1; t.length() < end; g++) { // below 10^0: dscale digits, cut there
        fourDigits(t, digit(p, g, ndigits));
      }
      t.setLength(end);
    }
    return DecimalText.ofPlain(t.substring(sign == 0x4000 && !allZeros(t) ? 0 : 1));
  }

  /** Whether the digits {@code t} holds after its first character are all 0. */
  private static boolean allZeros(StringBuilder t) {
    for (int i = 1; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '1' && c <= '9') {
        return false;
      }
    }
    return true;
  }

  /** The numeric at {@code p}'s base-10000 digit {@code g}; 0 outside the ones it sends. */
  private int digit(int p, int g, int ndigits) throws IOException {
    if (g < 0 || g >= ndigits) {
      return 0;
    }
    int d = int16At(p + 8 + 2 * g);
    if (d > 9999) {
      throw new IOException("numeric with a base-10000 digit of " + d);
    }
    return d;
  }

  /** Appends {@code d}, below 10000, as four digits. */
  private static void fourDigits(StringBuilder t, int d) {
    t.append((char) ('0' + d / 1000))
        .append((char) ('0' + d / 100 % 10))
        .append((char) ('0' + d / 10 % 10))
        .append((char) ('0' + d % 10));
  }

  /**
   * array_send of text or varchar elements, written back in array_out's form: bounds only when a
   * lower bound is not 1, braces per dimension, NULL bare, an element in double quotes (with {@code
   * "} and {@code \} escaped) when it is empty, is NULL in any case, or holds a quote, backslash,
   * brace, comma or white space.
   */
  private String textArray(int p, int n) throws IOException {
    int ndim = int32At(p);
    if (ndim == 0) {
      return "{}";
    }
    if (ndim < 0 || ndim > 6 || n < 12 + 8 * ndim) {
      throw new IOException("array with " + ndim + " dimensions");
    }
    int[] dims = new int[ndim];
    int[] lbs = new int[ndim];
    boolean bounds = false;
    for (int d = 0; d < ndim; d++) {
      dims[d] = int32At(p + 12 + 8 * d);
      lbs[d] = int32At(p + 16 + 8 * d);
      bounds |= lbs[d] != 1;
    }
    StringBuilder out = new StringBuilder(n + 8);
    if (bounds) {
      for (int d = 0; d < ndim; d++) {
        out.append('[').append(lbs[d]).append(':').append(lbs[d] + dims[d] - 1).append(']');
      }
      out.append('=');
    }
    int[] at = {p + 12 + 8 * ndim};
    element(out, dims, 0, at, p + n);
    return out.toString();
  }

  private void element(StringBuilder out, int[] dims, int d, int[] at, int end) throws IOException {
    out.append('{');
    for (int i = 0; i < dims[d]; i++) {
      if (i > 0) {
        out.append(',');
      }
      if (d + 1 < dims.length) {
        element(out, dims, d + 1, at, end);
        continue;
      }
      if (at[0] + 4 > end) {
        throw new IOException("array element beyond its value");
      }
      int len = int32At(at[0]);
      at[0] += 4;
      if (len < 0) {
        out.append("NULL");
        continue;
      }
      if (at[0] + len > end) {
        throw new IOException("array element beyond its value");
      }
      String e = new String(buf, at[0], len, StandardCharsets.UTF_8);
      at[0] += len;
      appendElement(out, e);
    }
    out.append('}');
  }

  static void appendElement(StringBuilder out, String e) {
    boolean quote = e.isEmpty() || e.equalsIgnoreCase("NULL");
    for (int i = 0; i < e.length() && !quote; i++) {
      char c = e.charAt(i);
      quote =
          c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || c == '\t'
              || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
    if (!quote) {
      out.append(e);
      return;
    }
    out.append('"');
    for (int i = 0; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  // ---- the buffer ----

  /** Makes sure n bytes from pos are buffered. */
  private void need(int n) throws IOException {
    if (len - pos >= n) {
      return;
    }
    if (n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, len - pos);
      len -= pos;
      pos = 0;
    }
    if (n > buf.length) {
      buf = Arrays.copyOf(buf, n);
    }
    while (len < n) {
      int r = in.read(buf, len, buf.length - len);
      if (r < 0) {
        throw new EOFException("COPY binary output ended inside a row");
      }
      len += r;
    }
  }

  private int int16() throws IOException {
    need(2);
    int v = int16At(pos);
    pos += 2;
    return (short) v;
  }

  private int int32() throws IOException {
    need(4);
    int v = int32At(pos);
    pos += 4;
    return v;
  }

  private int int16At(int p) {
    return ((buf[p] & 0xff) << 8) | (buf[p + 1] & 0xff);
  }

  private int int32At(int p) {
    return ((buf[p] & 0xff) << 24)
        | ((buf[p + 1] & 0xff) << 16)
        | ((buf[p + 2] & 0xff) << 8)
        | (buf[p + 3] & 0xff);
  }

  private long int64At(int p) {
    return ((long) int32At(p) << 32) | (int32At(p + 4) & 0xffffffffL);
  }
}
