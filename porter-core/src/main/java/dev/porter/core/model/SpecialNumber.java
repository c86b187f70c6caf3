package dev.porter.core.model;

/** The values of PostgreSQL's numeric type that are not numbers. */
public enum SpecialNumber {
  NAN("NaN"),
  POSITIVE_INFINITY("Infinity"),
  NEGATIVE_INFINITY("-Infinity");

  private final String text;

  SpecialNumber(String text) {
    this.text = text;
  }

  /** PostgreSQL's text form: NaN, Infinity, -Infinity. */
  public String text() {
    return text;
  }

  /** The special value a text form names, or null when it names a number. */
  public static SpecialNumber parse(String s) {
    char first = s.isEmpty() ? ' ' : s.charAt(s.length() > 1 && s.charAt(0) == '-' ? 1 : 0);
    if (first >= '0' && first <= '9') {
      return null; // a number: what nearly every value is, answered without six comparisons
    }
    for (SpecialNumber n : values()) {
      if (n.text.equalsIgnoreCase(s)) {
        return n;
      }
    }
    if ("+Infinity".equalsIgnoreCase(s)
        || "inf".equalsIgnoreCase(s)
        || "+inf".equalsIgnoreCase(s)) {
      return POSITIVE_INFINITY;
    }
    if ("-inf".equalsIgnoreCase(s)) {
      return NEGATIVE_INFINITY;
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }
}
