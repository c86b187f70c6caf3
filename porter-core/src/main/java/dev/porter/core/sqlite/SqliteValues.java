package dev.porter.core.sqlite;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How values of types SQLite lacks are written into it: ISO-8601 text that SQLite's date functions
 * read (timestamps with a zone in UTC, with a Z), and PostgreSQL's words for the infinities and BC.
 */
final class SqliteValues {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  private SqliteValues() {}

  static String date(LocalDate d) {
    if (d.equals(LocalDate.MAX)) {
      return "infinity";
    }
    if (d.equals(LocalDate.MIN)) {
      return "-infinity";
    }
    int y = d.getYear();
    String s =
        String.format(
            Locale.ROOT,
            "%04d-%02d-%02d",
            y <= 0 ? 1 - y : y,
            d.getMonthValue(),
            d.getDayOfMonth());
    return y <= 0 ? s + " BC" : s;
  }

  static String timestamp(LocalDateTime t) {
    if (t.equals(LocalDateTime.MAX)) {
      return "infinity";
    }
    if (t.equals(LocalDateTime.MIN)) {
      return "-infinity";
    }
    String time = t.toLocalTime().format(TIME);
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      time += String.format(Locale.ROOT, ".%06d", micros);
    }
    String date = date(t.toLocalDate());
    return date.endsWith(" BC")
        ? date.substring(0, date.length() - 3) + " " + time + " BC"
        : date + " " + time;
  }

  static String instant(Instant i) {
    if (i.equals(Instant.MAX)) {
      return "infinity";
    }
    if (i.equals(Instant.MIN)) {
      return "-infinity";
    }
    return i.toString();
  }
}
