package dev.porter.core.postgres;

import dev.porter.core.model.LogicalType;
import dev.porter.core.model.RawText;
import dev.porter.core.model.SpecialNumber;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Values between PostgreSQL's text forms and porter's Java values: {@link #parse} reads what COPY
 * writes (session in UTC, ISO dates, hex bytea); {@link #render} writes what COPY reads, for a
 * given target column, refusing any conversion that would not carry the value exactly.
 */
final class PgValues {
  private PgValues() {}

  /**
   * A value that would not survive the conversion to the target column unchanged. {@code
   * convertible}: --allow-lossy converts it (rounds, strips); otherwise no option stores it.
   */
  static final class Lossy extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean convertible;

    Lossy(String message) {
      this(message, false);
    }

    Lossy(String message, boolean convertible) {
      super(message, null, false, false);
      this.convertible = convertible;
    }

    boolean convertible() {
      return convertible;
    }
  }

  // ---- text → Java (export) ----

  static Object parse(PgColumn c, LogicalType t, String s) {
    if (s == null) {
      return null;
    }
    return switch (t) {
      case BOOLEAN -> s.equals("t");
      case INTEGER -> Long.parseLong(s);
      case REAL -> c.base().equals("float4") ? (double) Float.parseFloat(s) : Double.parseDouble(s);
      case DECIMAL -> {
        SpecialNumber sp = SpecialNumber.parse(s);
        yield sp != null ? sp : new BigDecimal(s);
      }
      case BLOB -> HexFormat.of().parseHex(s, 2, s.length());
      case DATE -> parseDate(s);
      case TIMESTAMP -> parseTimestamp(s);
      case TIMESTAMPTZ -> parseTimestampTz(s);
      case UUID -> java.util.UUID.fromString(s);
      default -> s;
    };
  }

  static LocalDate parseDate(String s) {
    if (s.equals("infinity")) {
      return LocalDate.MAX;
    }
    if (s.equals("-infinity")) {
      return LocalDate.MIN;
    }
    boolean bc = s.endsWith(" BC");
    String d = bc ? s.substring(0, s.length() - 3) : s;
    int dash = d.indexOf('-', 1);
    int year = Integer.parseInt(d.substring(0, dash));
    LocalDate date =
        LocalDate.of(
            bc ? 1 - year : year,
            Integer.parseInt(d.substring(dash + 1, dash + 3)),
            Integer.parseInt(d.substring(dash + 4, dash + 6)));
    return date;
  }

  static LocalDateTime parseTimestamp(String s) {
    if (s.equals("infinity")) {
      return LocalDateTime.MAX;
    }
    if (s.equals("-infinity")) {
      return LocalDateTime.MIN;
    }
    boolean bc = s.endsWith(" BC");
    String v = bc ? s.substring(0, s.length() - 3) : s;
    int space = v.indexOf(' ');
    LocalDate date = parseDate(v.substring(0, space) + (bc ? " BC" : ""));
    return LocalDateTime.of(date, parseTime(v, space + 1, v.length()));
  }

  /**
   * The time of day PostgreSQL prints with DateStyle ISO, HH:MM:SS[.f…], read without java.time's
   * formatter (a profile put 5 % of an export in it); anything else goes to {@link
   * LocalTime#parse}.
   */
  static LocalTime parseTime(String s, int from, int to) {
    if (to - from >= 8
        && s.charAt(from + 2) == ':'
        && s.charAt(from + 5) == ':'
        && (to - from == 8 || (s.charAt(from + 8) == '.' && to - from > 9 && to - from <= 18))) {
      int h = digits(s, from, from + 2);
      int m = digits(s, from + 3, from + 5);
      int sec = digits(s, from + 6, from + 8);
      int nano = 0;
      if (to - from > 8) {
        int f = digits(s, from + 9, to);
        nano = f;
        for (int i = to - from - 9; i < 9; i++) {
          nano *= 10;
        }
      }
      if (h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60 && nano >= 0) {
        return LocalTime.of(h, m, sec, nano);
      }
    }
    return LocalTime.parse(s.substring(from, to));
  }

  /** The decimal value of s[from, to), or -1 if any of it is not an ASCII digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static Instant parseTimestampTz(String s) {
    if (s.equals("infinity")) {
      return Instant.MAX;
    }
    if (s.equals("-infinity")) {
      return Instant.MIN;
    }
    boolean bc = s.endsWith(" BC");
    String v = bc ? s.substring(0, s.length() - 3) : s;
    int space = v.indexOf(' ');
    int sign = Math.max(v.lastIndexOf('+'), v.lastIndexOf('-'));
    if (sign < space) {
      throw new IllegalArgumentException("timestamptz without an offset: " + s);
    }
    LocalDate date = parseDate(v.substring(0, space) + (bc ? " BC" : ""));
    LocalTime time = parseTime(v, space + 1, sign);
    String off = v.substring(sign);
    ZoneOffset offset =
        ZoneOffset.of(
            off.length() == 3
                ? off
                : off.length() == 6 ? off : off.substring(0, 3) + ":" + off.substring(3));
    return LocalDateTime.of(date, time).toInstant(offset);
  }

  // ---- Java → text (import) ----

  /**
   * The COPY text of {@code v} for column {@code c}; null for SQL NULL. Throws {@link Lossy} when
   * the value cannot be stored exactly, unless {@code lossyAllowed}.
   *
   * @param counts receives a note for every conversion between kinds ("integer→boolean")
   */
  static String render(
      Object v, PgColumn c, boolean lossyAllowed, java.util.function.Consumer<String> counts)
      throws Lossy {
    if (v == null) {
      return null;
    }
    LogicalType t = c.logical();
    if (v instanceof String s) {
      return renderString(s, c, t, lossyAllowed, counts);
    }
    if (v instanceof Long l) {
      return renderLong(l, c, t, lossyAllowed, counts);
    }
    if (v instanceof Double d) {
      return renderDouble(d, c, t, lossyAllowed, counts);
    }
    if (v instanceof Boolean b) {
      return switch (t) {
        case BOOLEAN -> b ? "t" : "f";
        case INTEGER -> note(counts, "boolean→integer", b ? "1" : "0");
        case TEXT, PG_TEXT -> note(counts, "boolean→text", b ? "true" : "false");
        default -> throw new Lossy("a boolean does not fit " + c.declared());
      };
    }
    if (v instanceof BigDecimal d) {
      return renderDecimal(d, c, t, lossyAllowed, counts);
    }
    if (v instanceof SpecialNumber n) {
      if (t == LogicalType.DECIMAL || t == LogicalType.REAL) {
        if (t == LogicalType.DECIMAL && n != SpecialNumber.NAN && c.numericPrecision() >= 0) {
          throw new Lossy(n.text() + " does not fit " + c.declared());
        }
        return n.text();
      }
      if (t == LogicalType.TEXT || t == LogicalType.PG_TEXT) {
        return note(counts, "decimal→text", n.text());
      }
      throw new Lossy(n.text() + " does not fit " + c.declared());
    }
    if (v instanceof byte[] b) {
      if (t == LogicalType.BLOB) {
        return "\\x" + HexFormat.of().formatHex(b);
      }
      String text = utf8(b);
      if (text != null && text.indexOf('\0') < 0) {
        return renderString(text, c, t, lossyAllowed, s -> counts.accept("blob→" + t));
      }
      throw new Lossy(
          "a BLOB of " + b.length + " bytes that is not UTF-8 text does not fit " + c.declared());
    }
    if (v instanceof RawText r) {
      if (t == LogicalType.BLOB) {
        return note(counts, "text→bytea", "\\x" + HexFormat.of().formatHex(r.bytes()));
      }
      if (lossyAllowed) {
        return renderString(new String(r.bytes(), StandardCharsets.UTF_8), c, t, true, counts);
      }
      throw new Lossy("TEXT that is not valid UTF-8 cannot be stored in " + c.declared(), true);
    }
    if (v instanceof LocalDate d) {
      return switch (t) {
        case DATE -> date(d);
        case TIMESTAMP, TIMESTAMPTZ -> note(counts, "date→" + t, date(d));
        case TEXT, PG_TEXT -> note(counts, "date→text", date(d));
        default -> throw new Lossy("a date does not fit " + c.declared());
      };
    }
    if (v instanceof LocalDateTime d) {
      return switch (t) {
        case TIMESTAMP -> checkPrecision(d, c, lossyAllowed, timestamp(d));
        case TIMESTAMPTZ ->
            note(
                counts,
                "timestamp→timestamptz (as UTC)",
                checkPrecision(d, c, lossyAllowed, timestamp(d) + (isInfinite(d) ? "" : "+00")));
        case TEXT, PG_TEXT -> note(counts, "timestamp→text", timestamp(d));
        default -> throw new Lossy("a timestamp does not fit " + c.declared());
      };
    }
    if (v instanceof Instant i) {
      LocalDateTime utc =
          i.equals(Instant.MAX)
              ? LocalDateTime.MAX
              : i.equals(Instant.MIN)
                  ? LocalDateTime.MIN
                  : LocalDateTime.ofInstant(i, ZoneOffset.UTC);
      String text = timestamp(utc);
      return switch (t) {
        case TIMESTAMPTZ ->
            checkPrecision(utc, c, lossyAllowed, isInfinite(utc) ? text : withOffset(text));
        case TIMESTAMP ->
            note(counts, "timestamptz→timestamp (UTC)", checkPrecision(utc, c, lossyAllowed, text));
        case TEXT, PG_TEXT ->
            note(counts, "timestamptz→text", isInfinite(utc) ? text : withOffset(text));
        default -> throw new Lossy("a timestamptz does not fit " + c.declared());
      };
    }
    if (v instanceof UUID u) {
      return switch (t) {
        case UUID -> u.toString();
        case TEXT, PG_TEXT -> note(counts, "uuid→text", u.toString());
        default -> throw new Lossy("a uuid does not fit " + c.declared());
      };
    }
    throw new Lossy(
        "porter cannot store a " + v.getClass().getSimpleName() + " in " + c.declared());
  }

  private static String withOffset(String text) {
    return text.endsWith(" BC") ? text.substring(0, text.length() - 3) + "+00 BC" : text + "+00";
  }

  private static boolean isInfinite(LocalDateTime d) {
    return d.equals(LocalDateTime.MAX) || d.equals(LocalDateTime.MIN);
  }

  private static String checkPrecision(
      LocalDateTime d, PgColumn c, boolean lossyAllowed, String text) throws Lossy {
    int p = c.timePrecision();
    if (p < 6 && !isInfinite(d) && !lossyAllowed) {
      int micros = d.getNano() / 1000;
      int unit = (int) Math.pow(10, 6 - p);
      if (micros % unit != 0) {
        throw new Lossy(text + " has more fractional digits than " + c.declared() + " keeps", true);
      }
    }
    return text;
  }

  private static String note(
      java.util.function.Consumer<String> counts, String what, String value) {
    counts.accept(what);
    return value;
  }

  private static String renderString(
      String s,
      PgColumn c,
      LogicalType t,
      boolean lossyAllowed,
      java.util.function.Consumer<String> counts)
      throws Lossy {
    if (s.indexOf('\0') >= 0 && t != LogicalType.BLOB) {
      if (!lossyAllowed) {
        throw new Lossy("text with a NUL character cannot be stored in PostgreSQL", true);
      }
      s = s.replace("\0", "");
    }
    return switch (t) {
      case TEXT, JSON, PG_TEXT -> s;
      case BLOB ->
          note(
              counts,
              "text→bytea",
              "\\x" + HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8)));
      case BOOLEAN -> {
        String l = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (l.equals("0")
            || l.equals("1")
            || l.equals("true")
            || l.equals("false")
            || l.equals("t")
            || l.equals("f")) {
          yield note(counts, "text→boolean", l);
        }
        throw new Lossy("'" + abbreviate(s) + "' is not a boolean");
      }
      case DECIMAL -> {
        SpecialNumber sp = SpecialNumber.parse(s.trim());
        if (sp != null) {
          yield note(counts, "text→decimal", sp.text());
        }
        try {
          yield note(
              counts,
              "text→decimal",
              renderDecimal(new BigDecimal(s.trim()), c, t, lossyAllowed, x -> {}));
        } catch (NumberFormatException e) {
          throw new Lossy("'" + abbreviate(s) + "' is not a number");
        }
      }
      case DATE, TIMESTAMP, TIMESTAMPTZ ->
          note(counts, "text→" + t, checkDateText(s, t, lossyAllowed));
      case INTEGER -> {
        try {
          yield note(counts, "text→integer", Long.toString(Long.parseLong(s.trim())));
        } catch (NumberFormatException e) {
          throw new Lossy("'" + abbreviate(s) + "' is not an integer");
        }
      }
      default -> note(counts, "text→" + t, s); // PostgreSQL parses and checks it
    };
  }

  private static final Pattern ISO_TIMESTAMP =
      Pattern.compile(
          "([+-]?\\d{4,}-\\d{2}-\\d{2})(?:[ T](\\d{2}:\\d{2}(?::\\d{2}(\\.\\d+)?)?))?"
              + "\\s*(Z|[+-]\\d{2}(?::?\\d{2})?)?");

  /**
   * Text for a date or timestamp column. PostgreSQL's own parser accepts far more than ISO 8601 and
   * drops what its type cannot hold without a word: the offset of '2024-01-01 10:00+02' in a
   * timestamp column, the time of '2024-01-01 10:00' in a date column, a seventh fractional digit;
   * and it reads 'now' or 'tomorrow' as the moment of the import. So only an ISO date or timestamp
   * that the column keeps whole passes; anything else is lossy.
   */
  private static String checkDateText(String s, LogicalType t, boolean lossyAllowed) throws Lossy {
    String v = s.trim();
    String lower = v.toLowerCase(java.util.Locale.ROOT);
    if (lower.equals("infinity") || lower.equals("-infinity")) {
      return v;
    }
    String problem;
    java.util.regex.Matcher m = ISO_TIMESTAMP.matcher(v);
    if (!m.matches()) {
      problem = "is not an ISO 8601 " + (t == LogicalType.DATE ? "date" : "timestamp");
    } else if (t == LogicalType.DATE && (m.group(2) != null || m.group(4) != null)) {
      problem = "has a time of day or offset that a date column does not keep";
    } else if (t == LogicalType.TIMESTAMP && m.group(4) != null) {
      problem = "has a time zone offset that a timestamp column does not keep";
    } else if (m.group(3) != null && m.group(3).length() > 7) {
      problem = "has more fractional digits than PostgreSQL keeps (6)";
    } else {
      return v;
    }
    if (lossyAllowed) {
      return v;
    }
    throw new Lossy("'" + abbreviate(s) + "' " + problem, true);
  }

  private static String renderLong(
      long l,
      PgColumn c,
      LogicalType t,
      boolean lossyAllowed,
      java.util.function.Consumer<String> counts)
      throws Lossy {
    return switch (t) {
      case INTEGER -> Long.toString(l);
      case BOOLEAN -> {
        if (l == 0 || l == 1) {
          yield note(counts, "integer→boolean", l == 1 ? "t" : "f");
        }
        throw new Lossy(l + " is not a boolean (0 or 1)");
      }
      case REAL -> {
        boolean f4 = c.base().equals("float4");
        double d = l;
        // compared as BigDecimal: (long) d saturates, so Long.MAX_VALUE would look exact
        BigDecimal exact = BigDecimal.valueOf(l);
        if (!lossyAllowed
            && (new BigDecimal(d).compareTo(exact) != 0
                || (f4 && new BigDecimal((float) l).compareTo(exact) != 0))) {
          throw new Lossy(l + " cannot be stored exactly in " + c.declared(), true);
        }
        yield note(counts, "integer→real", Long.toString(l));
      }
      case DECIMAL ->
          note(
              counts,
              "integer→decimal",
              renderDecimal(BigDecimal.valueOf(l), c, t, lossyAllowed, x -> {}));
      case TEXT, PG_TEXT, JSON -> note(counts, "integer→text", Long.toString(l));
      default -> throw new Lossy("the integer " + l + " does not fit " + c.declared());
    };
  }

  private static String renderDouble(
      double d,
      PgColumn c,
      LogicalType t,
      boolean lossyAllowed,
      java.util.function.Consumer<String> counts)
      throws Lossy {
    return switch (t) {
      case REAL -> {
        if (c.base().equals("float4")) {
          float f = (float) d;
          if ((double) f != d && !Double.isNaN(d) && !lossyAllowed) {
            throw new Lossy(d + " cannot be stored exactly in real (float4)", true);
          }
          yield Float.toString(f);
        }
        yield Double.toString(d);
      }
      case INTEGER -> {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.2e18) {
          yield note(counts, "real→integer", Long.toString((long) d));
        }
        if (lossyAllowed && !Double.isNaN(d) && !Double.isInfinite(d)) {
          yield note(counts, "real→integer (rounded)", Long.toString(Math.round(d)));
        }
        throw new Lossy(
            d + " is not an integer", !lossyAllowed && !Double.isNaN(d) && !Double.isInfinite(d));
      }
      case BOOLEAN -> {
        if (d == 0.0 || d == 1.0) {
          yield note(counts, "real→boolean", d == 1.0 ? "t" : "f");
        }
        throw new Lossy(d + " is not a boolean (0 or 1)");
      }
      case DECIMAL -> {
        if (Double.isNaN(d)) {
          yield "NaN";
        }
        if (Double.isInfinite(d)) {
          if (c.numericPrecision() >= 0) {
            throw new Lossy(d + " does not fit " + c.declared());
          }
          yield d > 0 ? "Infinity" : "-Infinity";
        }
        yield note(
            counts,
            "real→decimal",
            renderDecimal(new BigDecimal(Double.toString(d)), c, t, lossyAllowed, x -> {}));
      }
      case TEXT, PG_TEXT, JSON -> note(counts, "real→text", Double.toString(d));
      default -> throw new Lossy("the number " + d + " does not fit " + c.declared());
    };
  }

  private static String renderDecimal(
      BigDecimal d,
      PgColumn c,
      LogicalType t,
      boolean lossyAllowed,
      java.util.function.Consumer<String> counts)
      throws Lossy {
    switch (t) {
      case DECIMAL -> {
        int p = c.numericPrecision();
        int s = c.numericScale();
        if (p >= 0) {
          // rounded to the column's scale as PostgreSQL would, then too many integer digits is
          // an overflow no option can store
          BigDecimal rounded = d.setScale(s, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
          if (rounded.signum() != 0 && Math.max(0, rounded.precision() - rounded.scale()) > p - s) {
            throw new Lossy(abbreviate(d.toPlainString()) + " does not fit " + c.declared());
          }
          int scale = Math.max(0, d.stripTrailingZeros().scale());
          if (scale > s && !lossyAllowed) {
            throw new Lossy(
                abbreviate(d.toPlainString())
                    + " does not fit "
                    + c.declared()
                    + " without rounding",
                true);
          }
        }
        return d.toPlainString();
      }
      case INTEGER -> {
        try {
          BigInteger i = d.toBigIntegerExact();
          return note(counts, "decimal→integer", i.toString());
        } catch (ArithmeticException e) {
          if (lossyAllowed) {
            return note(
                counts,
                "decimal→integer (rounded)",
                d.setScale(0, java.math.RoundingMode.HALF_EVEN).toPlainString());
          }
          throw new Lossy(d.toPlainString() + " is not an integer");
        }
      }
      case REAL -> {
        boolean f4 = c.base().equals("float4");
        double x = f4 ? d.floatValue() : d.doubleValue();
        if (Double.isInfinite(x)) {
          throw new Lossy(abbreviate(d.toPlainString()) + " does not fit " + c.declared());
        }
        if (new BigDecimal(x).compareTo(d) != 0 && !lossyAllowed) {
          throw new Lossy(
              abbreviate(d.toPlainString()) + " cannot be stored exactly in " + c.declared(), true);
        }
        return note(counts, "decimal→real", f4 ? Float.toString((float) x) : Double.toString(x));
      }
      case TEXT, PG_TEXT, JSON -> {
        return note(counts, "decimal→text", d.toPlainString());
      }
      default ->
          throw new Lossy("the number " + d.toPlainString() + " does not fit " + c.declared());
    }
  }

  static String date(LocalDate d) {
    if (d.equals(LocalDate.MAX)) {
      return "infinity";
    }
    if (d.equals(LocalDate.MIN)) {
      return "-infinity";
    }
    StringBuilder b = new StringBuilder(16);
    appendDate(b, d);
    return b.toString();
  }

  static String timestamp(LocalDateTime d) {
    if (d.equals(LocalDateTime.MAX)) {
      return "infinity";
    }
    if (d.equals(LocalDateTime.MIN)) {
      return "-infinity";
    }
    StringBuilder b = new StringBuilder(32);
    appendYearMonthDay(b, d.toLocalDate());
    b.append(' ');
    two(b, d.getHour());
    b.append(':');
    two(b, d.getMinute());
    b.append(':');
    two(b, d.getSecond());
    b.append('.');
    int micros = d.getNano() / 1000;
    for (int div = 100_000; div > 0; div /= 10) {
      b.append((char) ('0' + micros / div % 10));
    }
    if (d.getYear() <= 0) {
      b.append(" BC");
    }
    return b.toString();
  }

  /** yyyy-mm-dd with PostgreSQL's " BC" for years ≤ 0 (year 0 is 1 BC). */
  private static void appendDate(StringBuilder b, LocalDate d) {
    appendYearMonthDay(b, d);
    if (d.getYear() <= 0) {
      b.append(" BC");
    }
  }

  /** yyyy-mm-dd, the year as PostgreSQL counts it (the caller appends " BC" where it goes). */
  private static void appendYearMonthDay(StringBuilder b, LocalDate d) {
    appendYear(b, d.getYear());
    b.append('-');
    two(b, d.getMonthValue());
    b.append('-');
    two(b, d.getDayOfMonth());
  }

  private static void appendYear(StringBuilder b, int y) {
    int year = y <= 0 ? 1 - y : y;
    if (year < 1000) {
      b.append(year < 10 ? "000" : year < 100 ? "00" : "0");
    }
    b.append(year);
  }

  private static void two(StringBuilder b, int v) {
    b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
