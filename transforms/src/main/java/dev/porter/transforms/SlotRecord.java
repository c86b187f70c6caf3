package dev.porter.transforms;

import dev.porter.core.model.Utf8Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A row by name, over the engine's working row, or over a copy of it where a later stage of the
 * route changes what it shows ({@link Pipeline.Exposure}): immutable either way, as {@link Record}
 * promises, even if the app's code keeps it.
 */
final class SlotRecord implements Record {
  private final String table;
  private final Map<String, Integer> slots;
  private final Object[] row;

  SlotRecord(String table, Map<String, Integer> slots, Object[] row) {
    this.table = table;
    this.slots = slots;
    this.row = row;
  }

  @Override
  public Object get(String column) {
    return visible(row[slot(column)]);
  }

  /**
   * A value as the app's code sees it: ASCII text the engine carries as its bytes ({@link
   * Utf8Text}, see {@link dev.porter.core.transform.RowOp#takesUtf8Text}) as its {@code String},
   * anything else as it is.
   */
  static Object visible(Object v) {
    return v instanceof Utf8Text t ? t.toString() : v;
  }

  @Override
  public List<String> columns() {
    return new ArrayList<>(slots.keySet());
  }

  @Override
  public Record with(String column, Object value) {
    int s = slot(column);
    Object[] copy = row.clone();
    copy[s] = value;
    return new SlotRecord(table, slots, copy);
  }

  private int slot(String column) {
    Integer s = slots.get(column);
    if (s == null) {
      throw new IllegalArgumentException(
          "table "
              + table
              + " has no column "
              + column
              + " at this point (it has "
              + slots.keySet()
              + ")");
    }
    return s;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(table).append('{');
    for (Map.Entry<String, Integer> e : slots.entrySet()) {
      b.append(e.getKey()).append('=').append(visible(row[e.getValue()])).append(", ");
    }
    return b.append('}').toString();
  }
}
