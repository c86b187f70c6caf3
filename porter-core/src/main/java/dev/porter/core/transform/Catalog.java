package dev.porter.core.transform;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tables of one schema version, as the records flowing through a transform chain see them. */
public final class Catalog {
  private final Map<String, FlowTable> tables;

  public Catalog(Collection<FlowTable> tables) {
    Map<String, FlowTable> m = new LinkedHashMap<>();
    for (FlowTable t : tables) {
      m.put(t.name(), t);
    }
    this.tables = java.util.Collections.unmodifiableMap(m);
  }

  public FlowTable table(String name) {
    return tables.get(name);
  }

  public boolean has(String name) {
    return tables.containsKey(name);
  }

  public Collection<FlowTable> tables() {
    return tables.values();
  }
}
