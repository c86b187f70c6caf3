package dev.porter.core.transform;

import java.util.ArrayList;
import java.util.List;

/** A table as records carry it between version steps: its name and its columns, in row order. */
public record FlowTable(String name, List<FlowColumn> columns) {
  public FlowTable {
    columns = List.copyOf(columns);
  }

  /** The position of a column in a row, or -1. */
  public int index(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return i;
      }
    }
    return -1;
  }

  public FlowColumn column(String column) {
    int i = index(column);
    return i < 0 ? null : columns.get(i);
  }

  public List<String> columnNames() {
    List<String> out = new ArrayList<>(columns.size());
    for (FlowColumn c : columns) {
      out.add(c.name());
    }
    return out;
  }
}
