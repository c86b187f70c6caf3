package dev.porter.core.model;

/**
 * porter's engine-neutral name for what a column holds. It decides how values travel in the archive
 * (docs/archive-format.md, "Value encodings"), their Java type in records, and how they are coerced
 * across engines.
 */
public enum LogicalType {
  /**
   * A SQLite column without STRICT typing: each value keeps its own storage class (NULL, INTEGER,
   * REAL, TEXT or BLOB), so one column may hold all of them. Java: Long, Double, String, byte[] or
   * {@link RawText}.
   */
  ANY,
  /** A signed 64-bit integer. Java: Long. */
  INTEGER,
  /** An IEEE 754 double, carried bit for bit (float4 too). Java: Double. */
  REAL,
  /** Unicode text. Java: String. */
  TEXT,
  /** Bytes. Java: byte[]. */
  BLOB,
  /** true or false. Java: Boolean. */
  BOOLEAN,
  /**
   * An exact decimal of any precision, or PostgreSQL's NaN and ±Infinity. Java: BigDecimal, or
   * {@link SpecialNumber}.
   */
  DECIMAL,
  /** A calendar date, BC dates and ±infinity included. Java: LocalDate (MIN/MAX for ±infinity). */
  DATE,
  /**
   * A date and time without a zone, to the microsecond. Java: LocalDateTime (MIN/MAX for
   * ±infinity).
   */
  TIMESTAMP,
  /** An instant, to the microsecond. Java: Instant (MIN/MAX for ±infinity). */
  TIMESTAMPTZ,
  /** A UUID. Java: UUID. */
  UUID,
  /**
   * JSON text, kept exactly as stored (json) or as the database normalized it (jsonb). Java:
   * String.
   */
  JSON,
  /**
   * Any other PostgreSQL type (time, interval, inet, arrays, ranges, enums, tsvector…), carried as
   * the database's own text form, which it reads back exactly; the column's declared type says
   * which. Java: String.
   */
  PG_TEXT;

  /** The lower-case name used in the archive manifest. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
