package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.SqliteSchema;
import dev.porter.core.model.TableDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexes a restore writes as pages itself (ADR 0029): each holds, in its B-tree's order, exactly
 * the entries SQLite's CREATE INDEX gives the same rows, at every size of integer, NULL first,
 * across trees of three and more levels; and an index whose rows hold anything else is left to
 * CREATE INDEX, with the same result.
 */
class IndexPagesTest {
  @TempDir Path dir;

  /** Keys of every serial type size, the int32 extremes, 0 and 1, NULL, and many duplicates. */
  private static final long[] EDGES = {
    0,
    1,
    -1,
    127,
    128,
    -128,
    -129,
    32767,
    32768,
    -32768,
    -32769,
    8388607,
    8388608,
    -8388608,
    -8388609,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE - 1,
    Integer.MIN_VALUE + 1
  };

  private static Object key(Random r, int i) {
    int pick = r.nextInt(10);
    if (pick == 0) {
      return null;
    }
    if (pick == 1) {
      return EDGES[r.nextInt(EDGES.length)];
    }
    if (pick < 5) {
      return (long) r.nextInt(50); // duplicates
    }
    return (long) r.nextInt();
  }

  /** A source of 512-byte pages, so that 30,000 entries make an index tree of three levels. */
  private Path source() throws SQLException {
    Path db = dir.resolve("source.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size = 512");
      s.execute(
          "CREATE TABLE item (id INTEGER PRIMARY KEY, k INTEGER, n NUMERIC, b, label TEXT,"
              + " price REAL, code INTEGER)");
      s.execute("CREATE TABLE plain (k INTEGER NOT NULL, v TEXT)"); // rowid without an alias
      s.execute("CREATE TABLE wide (id INTEGER PRIMARY KEY, k INTEGER)"); // a key above 2^31
      s.execute("CREATE TABLE mixed (id INTEGER PRIMARY KEY, k INTEGER)"); // a key 1.5
      s.execute("CREATE TABLE empty (id INTEGER PRIMARY KEY, k INTEGER)");
      s.execute("CREATE TABLE line (id INTEGER PRIMARY KEY, item_id INTEGER)"); // keys in order
      s.execute("CREATE INDEX line_item ON line (item_id)");
      s.execute("CREATE INDEX item_k ON item (k)");
      s.execute("CREATE INDEX item_n ON item (n COLLATE NOCASE)");
      s.execute("CREATE INDEX item_b ON item (b ASC)");
      s.execute("CREATE INDEX item_k_desc ON item (k DESC)");
      s.execute("CREATE INDEX item_k_label ON item (k, label)");
      s.execute("CREATE INDEX item_label ON item (label)");
      s.execute("CREATE INDEX item_price ON item (price)");
      s.execute("CREATE UNIQUE INDEX item_unique ON item (id, k)");
      s.execute("CREATE UNIQUE INDEX item_code ON item (code)");
      s.execute("CREATE INDEX plain_k ON plain (k)");
      s.execute("CREATE INDEX wide_k ON wide (k)");
      s.execute("CREATE INDEX mixed_k ON mixed (k)");
      s.execute("CREATE INDEX empty_k ON empty (k)");
      Random r = new Random(29);
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < 30_000; i++) {
          ps.setLong(1, i * 3L + 1);
          ps.setObject(2, key(r, i));
          ps.setObject(3, key(r, i));
          ps.setObject(4, key(r, i));
          ps.setString(5, "label " + r.nextInt(1000));
          ps.setDouble(6, r.nextInt(10_000) / 4.0);
          ps.setObject(7, i % 10 == 0 ? null : (Object) ((i * 7919L) % 30_011 - 15_000));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO plain VALUES (?, ?)")) {
        for (int i = 0; i < 5_000; i++) {
          ps.setLong(1, r.nextInt(100));
          ps.setString(2, "v" + i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
              + " INSERT INTO wide SELECT i, CASE WHEN i = 1500 THEN 1 << 40 ELSE i % 300 END"
              + " FROM n");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
              + " INSERT INTO mixed SELECT i, CASE WHEN i = 700 THEN 1.5 ELSE i % 300 END FROM n");
      s.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
              + " INSERT INTO line SELECT i, i / 3 FROM n");
      c.commit();
    }
    return db;
  }

  @Test
  void simpleIntegerIndexesAreWrittenAsPagesAndHoldWhatCreateIndexGives() throws Exception {
    Path source = source();
    Path target = dir.resolve("restored.db");
    SqliteTarget t = Restores.restore(source, target, true);

    assertEquals(
        Set.of("item_k", "item_n", "item_b", "item_code", "plain_k", "line_item"),
        t.indexesAsPages(),
        "one ascending column, integers or NULL, rowids below 2^31: a wider key, a real, DESC,"
            + " two columns, TEXT or REAL affinity or no rows are left to CREATE INDEX");
    assertEquals(
        Set.of("line_item"),
        t.indexesInRowidOrder(),
        "the index whose keys follow the rowids, which the checks count as cheap to look up");
    for (String index : t.indexesAsPages()) {
      assertEquals(
          ((Number)
                  Restores.rows(
                          target, "SELECT sum(pgsize) FROM dbstat WHERE name = '" + index + "'")
                      .get(0)
                      .get(0))
              .longValue(),
          t.indexBytes().get(index),
          index + ": the bytes written, which size the partial check's cache, are SQLite's count");
    }
    String master = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid";
    assertEquals(
        Restores.rows(source, master),
        Restores.rows(target, master),
        "sqlite_master, in its order");
    assertEquals(List.of(List.of("ok")), Restores.rows(target, "PRAGMA integrity_check"));
    for (String[] ix :
        List.of(
            new String[] {"item", "item_k", "k"},
            new String[] {"item", "item_n", "n"},
            new String[] {"item", "item_b", "b"},
            new String[] {"item", "item_code", "code"},
            new String[] {"plain", "plain_k", "k"},
            new String[] {"wide", "wide_k", "k"},
            new String[] {"mixed", "mixed_k", "k"},
            new String[] {"item", "item_k_desc", "k"})) {
      String scan =
          "SELECT "
              + ix[2]
              + ", typeof("
              + ix[2]
              + "), rowid FROM "
              + ix[0]
              + " INDEXED BY "
              + ix[1];
      assertFalse(
          plan(target, scan).contains("TEMP B-TREE"), "the entries are read in the tree's order");
      List<List<Object>> written = Restores.rows(target, scan);
      assertEquals(Restores.rows(source, scan), written, ix[1]);
      assertEquals(
          Restores.rows(source, "SELECT count(*) FROM " + ix[0]).get(0).get(0),
          written.size(),
          ix[1] + ": one entry per row");
    }
    List<List<Object>> keys = Restores.rows(target, "SELECT k, rowid FROM item INDEXED BY item_k");
    assertEquals(null, keys.get(0).get(0), "NULL sorts first");
    assertEquals(Integer.MAX_VALUE, ((Number) keys.get(keys.size() - 1).get(0)).intValue());
    assertTrue(depth(target, "item_k") >= 3, "a tree of three levels or more");
    assertEquals(
        Restores.rows(source, "SELECT count(*) FROM item WHERE k = 7"),
        Restores.rows(target, "SELECT count(*) FROM item INDEXED BY item_k WHERE k = 7"),
        "a lookup through the written index");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(".restored.db.porter-state", "restored.db", "source.db"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging, WAL or shared-memory file left");
    }
  }

  @Test
  void entriesSortedInRunsAndMergedMakeTheSameIndex() throws Exception {
    Random r = new Random(7);
    runsMakeTheSameIndex("random.db", i -> key(r, i));
  }

  @Test
  void entriesThatComeInOrderAreWrittenFromTheirRunsUnsorted() throws Exception {
    // a child table loaded in its parent's order: NULLs first, then keys that never go down
    runsMakeTheSameIndex("ordered.db", i -> i <= 300 ? null : (long) (i / 7) - 1000);
  }

  /**
   * Writes an index of 25,000 entries in runs of 1,000 into a table's file, enters it, and holds it
   * to SQLite's integrity_check and to the entries sorted here, in the tree's order.
   */
  private void runsMakeTheSameIndex(String name, java.util.function.IntFunction<Object> keys)
      throws Exception {
    Path db = dir.resolve(name);
    List<Object[]> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size = 1024");
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER)");
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 1; i <= 25_000; i++) {
          Object k = keys.apply(i);
          rows.add(new Object[] {(long) i, k});
          ps.setLong(1, i);
          ps.setObject(2, k);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
    long root;
    try (SqlitePages pages = SqlitePages.open(db);
        SqliteIndexPages.Collector c =
            new SqliteIndexPages.Collector(new SqliteIndexPages.Plan("t_k", 1, false), 1000)) {
      for (Object[] row : rows) {
        assertTrue(c.add(row, (Long) row[0]));
      }
      root = c.write(pages);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      SqliteIndexPages.enter(
          c, new SqliteSchema.MasterEntry("index", "t_k", "t", "CREATE INDEX t_k ON t (k)"), root);
    }
    assertEquals(List.of(List.of("ok")), Restores.rows(db, "PRAGMA integrity_check"));
    List<List<Object>> expected = new ArrayList<>();
    rows.stream()
        .sorted(
            (x, y) -> {
              if (x[1] == null || y[1] == null) {
                int nulls = x[1] == null ? (y[1] == null ? 0 : -1) : 1;
                return nulls != 0 ? nulls : Long.compare((Long) x[0], (Long) y[0]);
              }
              int byKey = Long.compare((Long) x[1], (Long) y[1]);
              return byKey != 0 ? byKey : Long.compare((Long) x[0], (Long) y[0]);
            })
        .forEach(
            row ->
                expected.add(
                    java.util.Arrays.asList(
                        row[1] == null ? null : ((Long) row[1]).intValue(),
                        ((Long) row[0]).intValue())));
    assertEquals(expected, Restores.rows(db, "SELECT k, rowid FROM t INDEXED BY t_k"));
  }

  @Test
  void aKeyTwoRowsShareLeavesAUniqueIndexToCreateIndexWithNothingWritten() throws Exception {
    Path db = dir.resolve("unique.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER)");
    }
    long size = Files.size(db);
    // in memory, and across runs of 1,000 (the repeated key far apart)
    for (int n : new int[] {500, 5_000}) {
      try (SqlitePages pages = SqlitePages.open(db);
          SqliteIndexPages.Collector c =
              new SqliteIndexPages.Collector(new SqliteIndexPages.Plan("t_k", 1, true), 1000)) {
        for (int i = 1; i <= n; i++) {
          long key = i == n ? 7919 : (i * 7919L) % 100_003; // the last repeats the first
          assertTrue(c.add(new Object[] {(long) i, key}, i));
        }
        assertEquals(-1, c.write(pages), n + " entries");
      }
      assertEquals(size, Files.size(db), "no page written");
    }
    try (SqlitePages pages = SqlitePages.open(db);
        SqliteIndexPages.Collector c =
            new SqliteIndexPages.Collector(new SqliteIndexPages.Plan("t_k", 1, true), 1000)) {
      for (int i = 1; i <= 3_000; i++) {
        assertTrue(c.add(new Object[] {(long) i, i % 3 == 0 ? null : (long) i}, i));
      }
      assertTrue(c.write(pages) > 1, "NULLs never repeat a key");
    }
  }

  @Test
  void aRestoreWhoseRowsRepeatAUniqueKeyFailsAsBeforeAndLeavesNothing() throws Exception {
    Path source = dir.resolve("u.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, code INTEGER)");
      s.execute("CREATE UNIQUE INDEX u_code ON u (code)");
      s.execute("INSERT INTO u VALUES (1, 10), (2, 20), (3, NULL), (4, NULL)");
    }
    Path target = dir.resolve("u-restored.db");
    SqliteSource in = SqliteSource.open(source);
    SqliteTarget t = SqliteTarget.open(target, TargetOptions.of(ImportMode.NEW), true);
    PorterException e;
    try (in) {
      ArchiveHeader header = Restores.header(in.schema());
      TableDef table = header.tables().get(0).table();
      t.createSchema(header);
      RowSink sink = t.loader(table, Restores.columns(table), LoadMode.INSERT);
      try (RowCursor rows = in.rows(table)) {
        Object[] row;
        while ((row = rows.next()) != null) {
          sink.accept(row);
        }
      }
      sink.accept(new Object[] {5L, 20L}); // an archive whose rows repeat a key
      sink.finish();
      e = assertThrows(PorterException.class, () -> t.finishLoad(header));
    } finally {
      t.close();
    }
    assertEquals(Set.of(), t.indexesAsPages());
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertTrue(
        e.getMessage().contains("index u_code") && e.getMessage().contains("UNIQUE constraint"),
        e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void aKeyTheEntriesCannotHoldLeavesTheIndexToCreateIndex() throws Exception {
    SqliteIndexPages.Collector c =
        new SqliteIndexPages.Collector(new SqliteIndexPages.Plan("t_k", 0, false), 1000);
    assertTrue(c.add(new Object[] {5L}, 1));
    assertFalse(c.add(new Object[] {1L << 31}, 2), "above 2^31 - 1");
    assertTrue(c.abandoned());
    assertFalse(c.add(new Object[] {6L}, 3), "once left, for good");
    SqliteIndexPages.Collector d =
        new SqliteIndexPages.Collector(new SqliteIndexPages.Plan("t_k", 0, false), 1000);
    assertFalse(d.add(new Object[] {"7"}, 1), "text");
    SqliteIndexPages.Collector e =
        new SqliteIndexPages.Collector(new SqliteIndexPages.Plan("t_k", 0, false), 1000);
    assertFalse(e.add(new Object[] {7L}, 1L << 31), "a rowid above 2^31 - 1");
  }

  /** The number of levels of an index's B-tree, read down its left-most pages. */
  private static int depth(Path db, String index) throws Exception {
    List<List<Object>> r =
        Restores.rows(db, "SELECT rootpage FROM sqlite_master WHERE name = '" + index + "'");
    long page = ((Number) r.get(0).get(0)).longValue();
    byte[] bytes = Files.readAllBytes(db);
    int size = ((bytes[16] & 0xFF) << 8) | (bytes[17] & 0xFF);
    int levels = 1;
    while (true) {
      int at = (int) ((page - 1) * size);
      if (bytes[at] == 0x0A) {
        return levels;
      }
      assertEquals(0x02, bytes[at], "an interior index page");
      int cell = ((bytes[at + 12] & 0xFF) << 8) | (bytes[at + 13] & 0xFF);
      page =
          ((bytes[at + cell] & 0xFFL) << 24)
              | ((bytes[at + cell + 1] & 0xFFL) << 16)
              | ((bytes[at + cell + 2] & 0xFFL) << 8)
              | (bytes[at + cell + 3] & 0xFFL);
      levels++;
    }
  }

  private static String plan(Path db, String sql) throws SQLException {
    StringBuilder b = new StringBuilder();
    for (List<Object> row : Restores.rows(db, "EXPLAIN QUERY PLAN " + sql)) {
      b.append(row.get(row.size() - 1)).append('\n');
    }
    return b.toString();
  }
}
