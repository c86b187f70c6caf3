package dev.porter.transforms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A record built by a transform, e.g. a row of a derived table. */
final class MapRecord implements Record {
  private final Map<String, Object> values;

  MapRecord(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  @Override
  public Object get(String column) {
    if (!values.containsKey(column)) {
      throw new IllegalArgumentException(
          "record has no column " + column + " (it has " + values.keySet() + ")");
    }
    return values.get(column);
  }

  @Override
  public List<String> columns() {
    return new ArrayList<>(values.keySet());
  }

  @Override
  public Record with(String column, Object value) {
    if (!values.containsKey(column)) {
      throw new IllegalArgumentException(
          "record has no column " + column + " (it has " + values.keySet() + ")");
    }
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(column, value);
    return new MapRecord(m);
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
