package dev.porter.core.dialect;

import dev.porter.core.model.TableDef;
import java.util.List;
import java.util.Map;

/**
 * A freshly created baseline schema: its tables, and how many rows each already holds (a table the
 * baseline fills is a seed table).
 */
public record Baseline(List<TableDef> tables, Map<String, Long> rows) {
  public Baseline {
    tables = List.copyOf(tables);
    rows = Map.copyOf(rows);
  }

  public TableDef table(String name) {
    for (TableDef t : tables) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    for (TableDef t : tables) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    return null;
  }

  public long rows(String table) {
    return rows.getOrDefault(table, 0L);
  }
}
