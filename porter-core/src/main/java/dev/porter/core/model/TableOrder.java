package dev.porter.core.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Orders tables so that a referenced table comes before the tables that reference it. */
public final class TableOrder {
  private TableOrder() {}

  /**
   * A stable topological order: among tables whose references are satisfied, the one earliest in
   * the input comes first. Self-references are ignored; the members of a reference cycle keep their
   * input order.
   */
  public static List<TableDef> referencedFirst(List<TableDef> tables) {
    Map<String, TableDef> byName = new LinkedHashMap<>();
    for (TableDef t : tables) {
      byName.put(t.name(), t);
    }
    Map<String, Set<String>> needs = new HashMap<>();
    for (TableDef t : tables) {
      Set<String> deps = new LinkedHashSet<>();
      for (ForeignKeyDef fk : t.foreignKeys()) {
        String ref = resolve(byName, fk.referencedTable());
        if (ref != null && !ref.equals(t.name())) {
          deps.add(ref);
        }
      }
      needs.put(t.name(), deps);
    }
    List<TableDef> out = new ArrayList<>(tables.size());
    Set<String> placed = new LinkedHashSet<>();
    List<TableDef> remaining = new ArrayList<>(tables);
    while (!remaining.isEmpty()) {
      int at = 0; // a cycle, if none is ready: break it at the earliest table
      for (int i = 0; i < remaining.size(); i++) {
        if (placed.containsAll(needs.get(remaining.get(i).name()))) {
          at = i;
          break;
        }
      }
      // by position: a record's equals() would compare whole table definitions, and its first
      // call bootstraps method handles (20 ms of each export's start)
      TableDef next = remaining.remove(at);
      placed.add(next.name());
      out.add(next);
    }
    return out;
  }

  /** SQLite matches referenced table names case-insensitively. */
  private static String resolve(Map<String, TableDef> byName, String ref) {
    if (byName.containsKey(ref)) {
      return ref;
    }
    for (String n : byName.keySet()) {
      if (n.equalsIgnoreCase(ref)) {
        return n;
      }
    }
    return null;
  }
}
