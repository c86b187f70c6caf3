package dev.porter.core.model;

import java.util.List;

/**
 * An index as the source declared it. {@code columns} holds null where an index entry is an
 * expression; {@code origin} is "c" for CREATE INDEX, "u" for a UNIQUE constraint, "pk" for the
 * primary key (SQLite's {@code pragma index_list} vocabulary).
 */
public record IndexDef(String name, List<String> columns, boolean unique, String origin) {
  public IndexDef {
    columns =
        columns == null
            ? List.of()
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(columns));
  }
}
