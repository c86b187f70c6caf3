package dev.porter.core.app;

import dev.porter.core.PorterException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An app schema version: an integer ("4") or a dotted version ("1.4.0"), compared part by part as
 * numbers, so 1.10 comes after 1.9. Trailing zero parts do not count: 1.4 equals 1.4.0. The text is
 * kept as written for display.
 */
public final class SchemaVersion implements Comparable<SchemaVersion> {
  private final String text;
  private final List<BigInteger> parts;

  private SchemaVersion(String text, List<BigInteger> parts) {
    this.text = text;
    this.parts = parts;
  }

  public static SchemaVersion of(String text) {
    if (text == null || text.isBlank()) {
      throw PorterException.usage("empty schema version");
    }
    String t = text.trim();
    String[] pieces = t.split("\\.", -1);
    List<BigInteger> parts = new ArrayList<>(pieces.length);
    for (String p : pieces) {
      if (p.isEmpty() || !p.chars().allMatch(Character::isDigit)) {
        throw PorterException.usage(
            "invalid schema version '"
                + text
                + "': use an integer or numbers separated by dots, e.g. 1.4.0");
      }
      parts.add(new BigInteger(p));
    }
    int n = parts.size();
    while (n > 1 && parts.get(n - 1).signum() == 0) {
      n--;
    }
    return new SchemaVersion(t, List.copyOf(parts.subList(0, n)));
  }

  public static SchemaVersion of(long number) {
    return of(Long.toString(number));
  }

  @Override
  public int compareTo(SchemaVersion o) {
    int n = Math.max(parts.size(), o.parts.size());
    for (int i = 0; i < n; i++) {
      BigInteger a = i < parts.size() ? parts.get(i) : BigInteger.ZERO;
      BigInteger b = i < o.parts.size() ? o.parts.get(i) : BigInteger.ZERO;
      int c = a.compareTo(b);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SchemaVersion v && parts.equals(v.parts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(parts);
  }

  @Override
  public String toString() {
    return text;
  }
}
