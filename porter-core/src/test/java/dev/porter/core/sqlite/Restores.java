package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.Utf8Text;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** Restores of a SQLite file straight through {@link SqliteTarget}, as an import runs them. */
final class Restores {
  private Restores() {}

  /** The header of an archive of every table of {@code schema}, in its order. */
  static ArchiveHeader header(SourceSchema schema) {
    List<TableEntry> entries = new ArrayList<>();
    for (TableDef table : schema.tables()) {
      entries.add(new TableEntry(entries.size() + 1, "m" + entries.size(), table));
    }
    return new ArchiveHeader(
        ArchiveHeader.FORMAT_NAME,
        1,
        "test",
        "2026-12-03T00:00:00Z",
        null,
        schema.source(),
        entries,
        schema.sqlite(),
        null);
  }

  /** The names of a table's columns as an archive carries them. */
  static List<String> columns(TableDef table) {
    return table.dataColumns().stream().map(ColumnDef::name).toList();
  }

  /**
   * Restores {@code source} into {@code target}; every check must pass. {@code parallel}: the
   * checks on two connections.
   */
  static SqliteTarget restore(Path source, Path target, boolean parallel) {
    SqliteSource in = SqliteSource.open(source);
    SqliteTarget t = SqliteTarget.open(target, TargetOptions.of(ImportMode.NEW), parallel);
    try (in) {
      ArchiveHeader header = header(in.schema());
      Map<String, Long> counts = load(in, t, header, (table, row) -> {});
      t.finishLoad(header);
      List<Check> checks = t.verify(counts);
      assertTrue(checks.stream().allMatch(Check::passed), checks::toString);
      t.commit();
    } finally {
      t.close();
    }
    return t;
  }

  /**
   * Creates {@code header}'s schema in {@code t} and loads every table of {@code in} into it, as an
   * import does, each row as archived and then given to {@code edit} (by its table's name), which
   * may change it. Returns the rows each table's loader wrote, by table.
   */
  static Map<String, Long> load(
      SqliteSource in, SqliteTarget t, ArchiveHeader header, BiConsumer<String, Object[]> edit) {
    t.createSchema(header);
    Map<String, Long> counts = new LinkedHashMap<>();
    for (TableEntry e : header.tables()) {
      RowSink sink = t.loader(e.table(), columns(e.table()), LoadMode.INSERT);
      try (RowCursor rows = in.rows(e.table())) {
        Object[] row;
        while ((row = rows.next()) != null) {
          row = asArchived(row);
          edit.accept(e.table().name(), row);
          sink.accept(row);
        }
      }
      counts.put(e.table().name(), sink.finish());
    }
    return counts;
  }

  /**
   * A source's row as an archive gives it back: ASCII text, which a page scan hands the archive
   * writer as its bytes, as the {@code String} the archive reader returns.
   */
  static Object[] asArchived(Object[] row) {
    for (int i = 0; i < row.length; i++) {
      if (row[i] instanceof Utf8Text t) {
        row[i] = t.toString();
      }
    }
    return row;
  }

  /** Every row {@code sql} gives on {@code db}, values as the driver reads them. */
  static List<List<Object>> rows(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      List<List<Object>> out = new ArrayList<>();
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(r.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }
}
