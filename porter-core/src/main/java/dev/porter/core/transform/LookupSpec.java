package dev.porter.core.transform;

import java.util.List;

/**
 * A step's declaration that it reads {@code table} (at the step's input version) by {@code
 * keyColumns}. The planner makes sure the table is read completely before any row that uses it.
 */
public record LookupSpec(String table, List<String> keyColumns) {
  public LookupSpec {
    keyColumns = List.copyOf(keyColumns);
  }
}
