package dev.porter.core.model;

import java.util.List;

/**
 * Everything an export reads about the source before its rows: where it is, its tables in archive
 * order (referenced tables before the tables that reference them), and what its engine records
 * beyond tables.
 */
public record SourceSchema(
    SourceInfo source, List<TableDef> tables, SqliteSchema sqlite, PostgresSchema postgresql) {
  public SourceSchema {
    tables = List.copyOf(tables);
  }

  public SourceSchema(SourceInfo source, List<TableDef> tables, SqliteSchema sqlite) {
    this(source, tables, sqlite, null);
  }
}
