package dev.porter.core.model;

import java.math.BigDecimal;

/**
 * A NUMERIC value as the plain decimal text the archive holds: an optional minus, digits, and
 * digits after a point ({@link BigDecimal#toPlainString}'s form). PostgreSQL's source hands it to
 * the archive writer, which stores the text. The archive reader hands it out only to a sink that
 * takes it ({@link dev.porter.core.dialect.RowSink#takesDecimalText}: a plain restore into
 * PostgreSQL, whose binary COPY writes numeric's base-10000 digits straight from the text);
 * everyone else, and every step of an app import, gets the {@link BigDecimal}. It is the same value
 * as {@link #value()} (docs/decisions/0041-decimals-as-text-to-postgresql.md).
 */
public final class DecimalText {
  private final String text;

  private DecimalText(String text) {
    this.text = text;
  }

  /** The value of {@code text}, or null when it is not in the plain form (see the class). */
  public static DecimalText ofPlain(String text) {
    return isPlain(text) ? new DecimalText(text) : null;
  }

  /**
   * Whether {@code s} is an optional minus, at least one digit, and optionally a point and more.
   */
  static boolean isPlain(String s) {
    int n = s.length();
    int i = n > 0 && s.charAt(0) == '-' ? 1 : 0;
    int digits = i;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
    }
    if (i == digits) {
      return false;
    }
    if (i < n && s.charAt(i) == '.') {
      int point = ++i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      return i == n && i > point;
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The text itself. */
  public String text() {
    return text;
  }

  /** The same value as a {@link BigDecimal}. */
  public BigDecimal value() {
    return new BigDecimal(text);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecimalText other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
