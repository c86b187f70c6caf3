package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foreign keys followed while rows load never clear a table in which SQLite's own {@code PRAGMA
 * foreign_key_check} finds a violation, whatever the values and column types, and they do clear the
 * plain integer keys they are there for. Every row given to the sets is also bound into a real
 * SQLite file, and the expected answer is always the PRAGMA's on that file.
 */
class LoadKeySetsTest {
  @TempDir Path dir;

  /** Tables in load order: definition, then rows (each row's values after the rowid). */
  private final Map<String, Object[]> tables = new LinkedHashMap<>();

  private void table(String name, String columns, Object[]... rows) {
    tables.put(name, new Object[] {columns, rows});
  }

  private static Object[] row(Object... values) {
    return values;
  }

  private void fixture() {
    table("p", "id INTEGER PRIMARY KEY, name TEXT", rows(1, 100));
    table("pneg", "id INTEGER PRIMARY KEY, x", row(-70000L, 1L), row(-1L, 1L), row(5L, 1L));
    table("pd", "id INTEGER PRIMARY KEY DESC, x", row(1L, 1L), row(2L, 2L)); // no rowid alias
    table("pw", "(id INTEGER PRIMARY KEY, x) WITHOUT ROWID", row(1L, 1L));
    table("pt", "code TEXT PRIMARY KEY", row("a"), row("b"));
    table("prep", "id INTEGER PRIMARY KEY, u UNIQUE ON CONFLICT REPLACE", row(1L, 7L), row(2L, 7L));
    child("c_int_ok", "fk INTEGER REFERENCES p(id)", 1L, 50L, 100L, null);
    child("c_int_missing", "fk INTEGER REFERENCES p(id)", 1L, 101L);
    child("c_int_zero", "fk INTEGER REFERENCES p(id)", 0L);
    child("c_int_boxed", "fk INTEGER REFERENCES p(id)", 3, 4);
    child("c_implicit_ok", "fk INTEGER REFERENCES p", 7L, 8L);
    child("c_text_long_ok", "fk TEXT REFERENCES p(id)", 5L, 100L);
    child("c_text_long_bad", "fk TEXT REFERENCES p(id)", 5L, 1000L);
    child("c_text_string", "fk TEXT REFERENCES p(id)", "5", " 6", "abc");
    child("c_none_ok", "fk REFERENCES p(id)", 9L);
    child("c_none_mixed", "fk REFERENCES p(id)", "5", 5.0, 5L, new byte[] {5});
    child("c_numeric_ok", "fk NUMERIC REFERENCES p(id)", 11L);
    child("c_decimal", "fk NUMERIC REFERENCES p(id)", new BigDecimal("12"));
    child("c_real", "fk REAL REFERENCES p(id)", 5L, 6L);
    child("c_real_bad", "fk DOUBLE REFERENCES p(id)", 9007199254740993L);
    // the key names its column in other letters' case: still a REAL column
    tables.put(
        "c_real_case",
        new Object[] {
          "id INTEGER PRIMARY KEY, Fk DOUBLE, FOREIGN KEY (FK) REFERENCES pbig(id)",
          new Object[][] {row(1L, 9007199254740993L)}
        });
    table("pbig", "id INTEGER PRIMARY KEY", row(9007199254740993L));
    child("c_neg_ok", "fk INTEGER REFERENCES pneg(id)", -70000L, -1L, 5L);
    child("c_neg_bad", "fk INTEGER REFERENCES pneg(id)", -2L);
    child("c_desc", "fk INTEGER REFERENCES pd(id)", 1L);
    child("c_desc_bad", "fk INTEGER REFERENCES pd(id)", 3L);
    child("c_wr", "fk INTEGER REFERENCES pw(id)", 1L);
    child("c_text_parent", "fk TEXT REFERENCES pt(code)", "a");
    child("c_gone", "fk INTEGER REFERENCES gone(id)", 1L);
    child("c_replaced_parent", "fk INTEGER REFERENCES prep(id)", 1L); // prep's row 1 was replaced
    child("c_two_ok", "fk INTEGER REFERENCES p(id), fk2 INTEGER REFERENCES p(id)", 1L);
    child("c_two_bad", "fk INTEGER REFERENCES p(id), fk2 INTEGER REFERENCES pneg(id)", 1L);
    child("c_pair", "a INTEGER, b INTEGER, FOREIGN KEY (a, b) REFERENCES pab(x, y)", 1L);
    table("pab", "x INTEGER, y INTEGER, PRIMARY KEY (x, y)", row(1L, 1L));
    // a parent loaded after its child, and a table that references itself
    child("c_early", "fk INTEGER REFERENCES plate(id)", 2L);
    table("plate", "id INTEGER PRIMARY KEY", row(1L), row(2L));
    table(
        "tree",
        "id INTEGER PRIMARY KEY, up INTEGER REFERENCES tree(id)",
        row(1L, null),
        row(2L, 1L),
        row(3L, 2L));
    table(
        "tree_bad",
        "id INTEGER PRIMARY KEY, up INTEGER REFERENCES tree_bad(id)",
        row(1L, null),
        row(2L, 9L));
    table("keyless", "id INTEGER PRIMARY KEY, x", row(null, 1L)); // SQLite chooses the rowid
    child("c_keyless", "fk INTEGER REFERENCES keyless(id)", 1L);
    // keys far apart: a set spanning more than it may is given up, not wrong
    table("pfar", "id INTEGER PRIMARY KEY", row(0L), row(1L << 40));
    child("c_far", "fk INTEGER REFERENCES pfar(id)", 0L, 1L << 40);
    // values 2^32 chunks apart: a slot computed in 32 bits would take one for the other
    table("pwrap", "id INTEGER PRIMARY KEY", row(1L << 48));
    child("c_wrap", "fk INTEGER REFERENCES pwrap(id)", 1L << 48, 0L);
  }

  private static Object[][] rows(int from, int to) {
    Object[][] r = new Object[to - from + 1][];
    for (int i = from; i <= to; i++) {
      r[i - from] = new Object[] {(long) i, "p" + i};
    }
    return r;
  }

  private void child(String name, String columns, Object... values) {
    boolean two = columns.contains("fk2");
    boolean pair = columns.startsWith("a INTEGER");
    Object[][] rows = new Object[values.length][];
    for (int i = 0; i < values.length; i++) {
      rows[i] =
          two || pair
              ? new Object[] {(long) i + 1, values[i], values[i]}
              : row((long) i + 1, values[i]);
    }
    tables.put(name, new Object[] {"id INTEGER PRIMARY KEY, " + columns, rows});
  }

  /** The children cleared by the sets, after the rows were given to them and to SQLite. */
  private Set<String> load(Connection c, Set<String> notFromEmpty) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA foreign_keys = OFF");
      for (Map.Entry<String, Object[]> t : tables.entrySet()) {
        String def = (String) t.getValue()[0];
        st.execute("CREATE TABLE " + t.getKey() + (def.startsWith("(") ? def : " (" + def + ")"));
      }
    }
    SqliteKeySets sets = SqliteKeySets.of(c);
    for (Map.Entry<String, Object[]> t : tables.entrySet()) {
      Object[][] rows = (Object[][]) t.getValue()[1];
      List<String> columns = columns(c, t.getKey());
      String definition =
          Sqlite.string(
              c, "SELECT sql FROM sqlite_master WHERE name = " + Sqlite.literal(t.getKey()));
      SqliteKeySets.Tracking tracking =
          sets.track(t.getKey(), definition, columns, !notFromEmpty.contains(t.getKey()));
      String marks = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO " + t.getKey() + " VALUES (" + marks + ")")) {
        for (Object[] r : rows) {
          Object[] full = Arrays.copyOf(r, columns.size());
          if (tracking != null) {
            track(tracking, full);
          }
          for (int i = 0; i < full.length; i++) {
            Object v = full[i] instanceof BigDecimal d ? d.longValueExact() : full[i];
            ps.setObject(i + 1, v);
          }
          ps.executeUpdate();
        }
      }
      if (tracking != null) {
        tracking.finish();
      }
    }
    return sets.cleared();
  }

  /** Gives the sets a row as a loader that takes rows as objects does. */
  void track(SqliteKeySets.Tracking tracking, Object[] row) {
    tracking.accept(row);
  }

  private static List<String> columns(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT name FROM pragma_table_info('" + table + "')")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }

  private static Set<String> violating(Connection c) throws SQLException {
    Set<String> tables = new TreeSet<>();
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery("PRAGMA foreign_key_check")) {
      while (r.next()) {
        tables.add(r.getString(1));
      }
    }
    return tables;
  }

  @Test
  void neverClearsWhatThePragmaRefusesAndClearsThePlainIntegerKeys() throws SQLException {
    fixture();
    try (Connection c = Sqlite.connect(dir.resolve("fk.db"), false)) {
      Set<String> cleared = load(c, Set.of());
      Set<String> violating = violating(c);
      for (String t : cleared) {
        assertFalse(violating.contains(t), t + " is cleared but the PRAGMA finds a violation");
      }
      assertEquals(
          new TreeSet<>(
              List.of(
                  "c_implicit_ok",
                  "c_int_boxed",
                  "c_int_ok",
                  "c_neg_ok",
                  "c_none_ok",
                  "c_numeric_ok",
                  "c_text_long_ok",
                  "c_two_ok",
                  "c_early",
                  "tree")),
          new TreeSet<>(cleared));
      // the fixture holds violations of many kinds: the check above was not vacuous
      assertTrue(
          violating.containsAll(
              List.of(
                  "c_int_missing",
                  "c_int_zero",
                  "c_text_long_bad",
                  "c_text_string",
                  "c_real_bad",
                  "c_real_case",
                  "c_neg_bad",
                  "c_desc_bad",
                  "c_gone",
                  "c_replaced_parent",
                  "c_two_bad",
                  "tree_bad",
                  "c_none_mixed",
                  "c_wrap")),
          violating.toString());
    }
  }

  @Test
  void tablesThatHeldRowsBeforeTheirLoadOrWereChangedAfterAreNotCleared() throws SQLException {
    fixture();
    try (Connection c = Sqlite.connect(dir.resolve("held.db"), false)) {
      Set<String> cleared = load(c, Set.of("p"));
      // p held rows of its own: none of its children can be cleared from the sets
      assertFalse(cleared.contains("c_int_ok"));
      assertFalse(cleared.contains("c_two_ok"));
      assertTrue(cleared.contains("c_neg_ok"), "pneg's children still are");
    }
    tables.clear();
    fixture();
    try (Connection c = Sqlite.connect(dir.resolve("child.db"), false)) {
      assertFalse(load(c, Set.of("c_int_ok")).contains("c_int_ok"));
    }
  }

  /**
   * Sets over {@code p (id)} and {@code c (id, fk → p)}: p's key 1 loaded and finished; c's row
   * {@code fk = 1} given, its load finished only if {@code childFinished}.
   */
  private SqliteKeySets parentAndChild(String file, boolean childFinished) throws SQLException {
    try (Connection c = Sqlite.connect(dir.resolve(file), false)) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE p (id INTEGER PRIMARY KEY)");
        st.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, fk INTEGER REFERENCES p(id))");
      }
      SqliteKeySets sets = SqliteKeySets.of(c);
      SqliteKeySets.Tracking p = sets.track("p", null, List.of("id"), true);
      p.accept(new Object[] {1L});
      p.finish();
      SqliteKeySets.Tracking child = sets.track("c", null, List.of("id", "fk"), true);
      child.accept(new Object[] {1L, 1L});
      if (childFinished) {
        child.finish();
      }
      return sets;
    }
  }

  @Test
  void anAppsAfterLoadSqlForgetsEverySet() throws SQLException {
    SqliteKeySets sets = parentAndChild("forget.db", true);
    assertEquals(Set.of("c"), sets.cleared());
    sets.forget();
    assertEquals(Set.of(), sets.cleared());
  }

  @Test
  void aTableLoadedTwiceOrNotFinishedIsNotCleared() throws SQLException {
    assertEquals(
        Set.of(),
        parentAndChild("unfinished.db", false).cleared(),
        "the child's load did not finish");
    SqliteKeySets sets = parentAndChild("twice.db", true);
    assertEquals(Set.of("c"), sets.cleared());
    SqliteKeySets.Tracking again = sets.track("P", null, List.of("id"), true);
    if (again != null) {
      again.finish();
    }
    assertEquals(Set.of(), sets.cleared(), "p's rows came twice");
  }
}
