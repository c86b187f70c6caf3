package dev.porter.core.sqlite;

import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.ForeignKeyDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQLite schema a plain restore of another engine's archive creates (docs/cross-engine.md): one
 * table per archived table, with declared types chosen so SQLite's affinity keeps each value's
 * kind, the primary key, NOT NULL, and the foreign keys.
 */
final class SqliteDdl {
  private SqliteDdl() {}

  static List<String> fromOtherEngine(ArchiveHeader h) {
    List<String> out = new ArrayList<>();
    for (TableEntry e : h.tables()) {
      TableDef t = e.table();
      if (t.kind() != TableKind.TABLE) {
        continue;
      }
      List<String> parts = new ArrayList<>();
      boolean integerKey =
          t.primaryKey().size() == 1
              && t.column(t.primaryKey().get(0)) != null
              && t.column(t.primaryKey().get(0)).logicalType()
                  == dev.porter.core.model.LogicalType.INTEGER;
      for (ColumnDef c : t.columns()) {
        if (c.generated() != Generated.NO) {
          continue; // the generation expression is the other engine's SQL
        }
        StringBuilder b =
            new StringBuilder(Sqlite.quote(c.name())).append(' ').append(sqliteType(c));
        if (integerKey && c.name().equals(t.primaryKey().get(0))) {
          b.append(" PRIMARY KEY");
        }
        if (!c.nullable()) {
          b.append(" NOT NULL");
        }
        parts.add(b.toString());
      }
      if (!integerKey && !t.primaryKey().isEmpty()) {
        List<String> pk = new ArrayList<>();
        for (String k : t.primaryKey()) {
          pk.add(Sqlite.quote(k));
        }
        parts.add("PRIMARY KEY (" + String.join(", ", pk) + ")");
      }
      for (ForeignKeyDef fk : t.foreignKeys()) {
        List<String> from = new ArrayList<>();
        for (String c : fk.columns()) {
          from.add(Sqlite.quote(c));
        }
        List<String> to = new ArrayList<>();
        for (String c : fk.referencedColumns()) {
          to.add(Sqlite.quote(c));
        }
        parts.add(
            "FOREIGN KEY ("
                + String.join(", ", from)
                + ") REFERENCES "
                + Sqlite.quote(fk.referencedTable())
                + (to.isEmpty() ? "" : " (" + String.join(", ", to) + ")")
                + (fk.deferrable() ? " DEFERRABLE INITIALLY DEFERRED" : ""));
      }
      out.add("CREATE TABLE " + Sqlite.quote(t.name()) + " (" + String.join(", ", parts) + ")");
    }
    return out;
  }

  /** A declared type whose SQLite affinity keeps the values of the column's logical type. */
  static String sqliteType(ColumnDef c) {
    return switch (c.logicalType()) {
      case INTEGER -> "INTEGER";
      case REAL -> "REAL";
      case BOOLEAN -> "BOOLEAN";
      case DECIMAL ->
          c.declaredType().toLowerCase(Locale.ROOT).startsWith("numeric(")
              ? c.declaredType().toUpperCase(Locale.ROOT)
              : "NUMERIC";
      case BLOB -> "BLOB";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
      case TIMESTAMPTZ -> "TIMESTAMPTZ";
      case ANY -> c.declaredType();
      default ->
          "TEXT"; // text, uuid, json and every other type's text form: TEXT affinity keeps them
        // text
    };
  }
}
