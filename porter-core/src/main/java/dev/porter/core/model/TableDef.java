package dev.porter.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One table of the source schema.
 *
 * @param name the table name, exactly as the database spells it
 * @param kind ordinary, virtual or shadow
 * @param columns every column, generated ones included, in declaration order
 * @param primaryKey the primary-key column names in key order (empty when there is none)
 * @param foreignKeys the foreign keys
 * @param indexes the indexes
 * @param rowidColumn for a SQLite rowid table whose rowid is not aliased by an INTEGER PRIMARY KEY:
 *     the name under which the rowid is read and carried as the first data column ("rowid",
 *     "_rowid_" or "oid", whichever no column shadows); null otherwise
 * @param withoutRowid SQLite WITHOUT ROWID
 * @param strict SQLite STRICT
 * @param autoincrement SQLite AUTOINCREMENT (the table has a row in sqlite_sequence)
 */
public record TableDef(
    String name,
    TableKind kind,
    List<ColumnDef> columns,
    List<String> primaryKey,
    List<ForeignKeyDef> foreignKeys,
    List<IndexDef> indexes,
    String rowidColumn,
    boolean withoutRowid,
    boolean strict,
    boolean autoincrement) {

  public TableDef {
    Objects.requireNonNull(name, "name");
    kind = kind == null ? TableKind.TABLE : kind;
    columns = List.copyOf(columns);
    primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    foreignKeys = foreignKeys == null ? List.of() : List.copyOf(foreignKeys);
    indexes = indexes == null ? List.of() : List.copyOf(indexes);
  }

  /** True when rows of this table travel in the archive. */
  public boolean carriesData() {
    return kind != TableKind.VIRTUAL;
  }

  /**
   * The columns whose values travel in the archive, in archive order: the rowid first when {@link
   * #rowidColumn} is set, then every non-generated column in declaration order.
   */
  public List<ColumnDef> dataColumns() {
    List<ColumnDef> out = new ArrayList<>(columns.size() + 1);
    if (rowidColumn != null) {
      out.add(
          new ColumnDef(rowidColumn, "INTEGER", LogicalType.INTEGER, false, Generated.NO, null));
    }
    for (ColumnDef c : columns) {
      if (c.carriesData()) {
        out.add(c);
      }
    }
    return out;
  }

  public ColumnDef column(String columnName) {
    for (ColumnDef c : columns) {
      if (c.name().equals(columnName)) {
        return c;
      }
    }
    return null;
  }
}
