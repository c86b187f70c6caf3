package dev.porter.transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row as a transform sees it: immutable, addressed by column name. Values are the Java types of
 * docs/archive-format.md (Long, Double, String, byte[], BigDecimal…), or null.
 */
public interface Record {
  /** The value of a column; a column the table lacks is an error naming the table and column. */
  Object get(String column);

  /** The column names, in row order. */
  List<String> columns();

  /** A copy with one column's value changed (the column must exist). */
  Record with(String column, Object value);

  default boolean has(String column) {
    return columns().contains(column);
  }

  default String getString(String column) {
    Object v = get(column);
    return v == null ? null : v.toString();
  }

  default Long getLong(String column) {
    Object v = get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    return Long.valueOf(v.toString().trim());
  }

  default Double getDouble(String column) {
    Object v = get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return Double.valueOf(v.toString().trim());
  }

  /** A record of the given name/value pairs: {@code Record.of("id", 1L, "name", "x")}. */
  static Record of(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Record.of takes name/value pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return new MapRecord(m);
  }
}
