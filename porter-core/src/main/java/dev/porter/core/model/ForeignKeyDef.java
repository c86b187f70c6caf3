package dev.porter.core.model;

import java.util.List;

/**
 * A foreign key: {@code columns} of the owning table reference {@code referencedColumns} of {@code
 * referencedTable}. An empty {@code referencedColumns} means the referenced table's primary key.
 */
public record ForeignKeyDef(
    List<String> columns,
    String referencedTable,
    List<String> referencedColumns,
    String onUpdate,
    String onDelete,
    boolean deferrable) {

  public ForeignKeyDef {
    columns = List.copyOf(columns);
    referencedColumns = referencedColumns == null ? List.of() : List.copyOf(referencedColumns);
  }
}
