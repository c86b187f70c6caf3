package dev.porter.core.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The staging file's tables whose rows may be written as pages ({@link SqlitePages}) instead of
 * inserted: empty rowid tables whose INSERT could do nothing to a row but store it, or check it
 * afterwards. That rules out WITHOUT ROWID, STRICT and virtual tables, generated columns, ON
 * CONFLICT clauses, triggers, and indexes on expressions or with a WHERE clause (their failures
 * would not name a row). Other indexes, and UNIQUE constraints, are rebuilt by REINDEX after the
 * rows, which finds any duplicate; CHECK constraints are read from the table's definition and asked
 * of every row by one query after the rows ({@link #checks}).
 */
final class SqlitePagedTables {
  private static final Pattern ON_CONFLICT = Pattern.compile("(?i)\\bon\\s+conflict\\b");
  private static final Pattern AUTOINCREMENT = Pattern.compile("(?i)\\bautoincrement\\b");

  /**
   * One table's shape.
   *
   * @param definition the table's CREATE TABLE statement
   * @param columns the column names in declaration order
   * @param alias the index of the INTEGER PRIMARY KEY column, or -1
   * @param indexed true when the table has indexes (REINDEX after its rows)
   * @param checks the expressions of its CHECK constraints
   */
  record Shape(
      String name,
      long root,
      String definition,
      List<String> columns,
      SqliteRecords.Affinity[] affinity,
      boolean[] notNull,
      int alias,
      boolean autoincrement,
      boolean indexed,
      List<String> checks) {

    /**
     * For each column of the table, the index of its value in a row of {@code given} (-1 for the
     * rowid alias); null unless every table column is given and every given column is a table
     * column, or the rowid under {@code rowidName} of a table without an alias.
     */
    int[] source(List<String> given, String rowidName) {
      int[] source = new int[columns.size()];
      boolean[] used = new boolean[given.size()];
      for (int c = 0; c < columns.size(); c++) {
        int i = indexOf(given, columns.get(c));
        if (i < 0) {
          return null;
        }
        used[i] = true;
        source[c] = c == alias ? -1 : i;
      }
      for (int i = 0; i < given.size(); i++) {
        if (!used[i] && !(alias < 0 && given.get(i).equals(rowidName))) {
          return null;
        }
      }
      return source;
    }

    /** Where a row of {@code given} holds the rowid, or -1 when SQLite would choose it. */
    int rowidSource(List<String> given, String rowidName) {
      if (alias >= 0) {
        return indexOf(given, columns.get(alias));
      }
      return rowidName == null ? -1 : given.indexOf(rowidName);
    }

    private static int indexOf(List<String> names, String name) {
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).equalsIgnoreCase(name)) {
          return i;
        }
      }
      return -1;
    }
  }

  private SqlitePagedTables() {}

  /** The tables of {@code c}'s main schema that qualify, by name without regard to case. */
  static Map<String, Shape> of(Connection c) throws SQLException {
    Map<String, Shape> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    List<Object[]> tables = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT m.name, m.rootpage, m.sql FROM main.sqlite_master m"
                    + " JOIN pragma_table_list l ON l.schema = 'main' AND l.name = m.name"
                    + " WHERE m.type = 'table' AND l.type = 'table' AND l.wr = 0 AND l.strict = 0"
                    + " AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
        ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        tables.add(new Object[] {r.getString(1), r.getLong(2), r.getString(3)});
      }
    }
    for (Object[] t : tables) {
      Shape s = shape(c, (String) t[0], (Long) t[1], (String) t[2]);
      if (s != null) {
        out.put(s.name(), s);
      }
    }
    return out;
  }

  private static Shape shape(Connection c, String name, long root, String sql) throws SQLException {
    if (sql == null || ON_CONFLICT.matcher(sql).find()) {
      return null;
    }
    List<String> checks = checks(sql);
    if (checks == null) {
      return null;
    }
    if (Sqlite.number(
            c,
            "SELECT count(*) FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = "
                + Sqlite.literal(name)
                + " COLLATE NOCASE")
        > 0) {
      return null;
    }
    if (Sqlite.number(c, "SELECT EXISTS (SELECT 1 FROM main." + Sqlite.quote(name) + ")") != 0) {
      return null;
    }
    List<String> columns = new ArrayList<>();
    List<SqliteRecords.Affinity> affinity = new ArrayList<>();
    List<Boolean> notNull = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name, type, \"notnull\", hidden FROM pragma_table_xinfo(?)")) {
      ps.setString(1, name);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          if (r.getInt(4) != 0) {
            return null; // a generated column
          }
          columns.add(r.getString(1));
          affinity.add(SqliteRecords.Affinity.of(r.getString(2)));
          notNull.add(r.getInt(3) != 0);
        }
      }
    }
    boolean indexed = false;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.partial, (SELECT count(*) FROM pragma_index_xinfo(l.name) x"
                + " WHERE x.key = 1 AND x.cid = -2) FROM pragma_index_list(?) l")) {
      ps.setString(1, name);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          if (r.getInt(1) != 0 || r.getInt(2) != 0) {
            return null; // a partial index or one on an expression
          }
          indexed = true;
        }
      }
    }
    String alias = SqliteChecks.rowidAlias(c, name);
    int aliasIndex = -1;
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equals(alias)) {
        aliasIndex = i;
      }
    }
    boolean[] nn = new boolean[notNull.size()];
    for (int i = 0; i < nn.length; i++) {
      nn[i] = notNull.get(i);
    }
    return new Shape(
        name,
        root,
        sql,
        List.copyOf(columns),
        affinity.toArray(new SqliteRecords.Affinity[0]),
        nn,
        aliasIndex,
        AUTOINCREMENT.matcher(sql).find(),
        indexed,
        checks);
  }

  /**
   * The expressions of the CHECK constraints in a CREATE TABLE statement, as written (a comment in
   * one as a space); null when a CHECK's parenthesis is not closed. Read as {@link SqliteTokens},
   * so a CHECK in a string, a quoted name or a comment is not taken for one.
   */
  static List<String> checks(String sql) {
    List<SqliteTokens.Token> tokens = SqliteTokens.of(sql);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      SqliteTokens.Token t = tokens.get(i);
      if (t.kind() != 'w' || !t.text().equalsIgnoreCase("CHECK")) {
        continue;
      }
      int open = i + 1;
      while (open < tokens.size() && tokens.get(open).kind() == ' ') {
        open++;
      }
      if (open == tokens.size() || tokens.get(open).kind() != '(') {
        return null;
      }
      StringBuilder expression = new StringBuilder();
      int depth = 0;
      int k = open;
      for (; k < tokens.size(); k++) {
        char kind = tokens.get(k).kind();
        depth += kind == '(' ? 1 : kind == ')' ? -1 : 0;
        if (depth == 0) {
          break;
        }
        if (k > open) {
          expression.append(tokens.get(k).text());
        }
      }
      if (k == tokens.size()) {
        return null;
      }
      out.add(expression.toString().trim());
      i = k;
    }
    return out;
  }

  /**
   * The rowid of the first row from rowid {@code from} on for which the expression of one of the
   * table's CHECK constraints is false (SQLite's test: false fails, NULL passes), or null.
   */
  static Long firstCheckFailure(Connection c, Shape shape, long from) throws SQLException {
    StringBuilder where = new StringBuilder();
    for (String e : shape.checks()) {
      where.append(where.length() == 0 ? "" : " OR ").append("NOT (").append(e).append(')');
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT rowid FROM main."
                + Sqlite.quote(shape.name())
                + " WHERE rowid >= ? AND ("
                + where
                + ") ORDER BY rowid LIMIT 1")) {
      ps.setLong(1, from);
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? r.getLong(1) : null;
      }
    }
  }

  /**
   * The rowid of the first row of {@code table}, in rowid order, whose key in one of its UNIQUE
   * indexes an earlier row already has (keys with a NULL never repeat one), or null. Read without
   * any index, which may be the one not yet built.
   */
  static Long firstDuplicate(Connection c, String table) throws SQLException {
    List<String> unique = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1")) {
      ps.setString(1, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          unique.add(r.getString(1));
        }
      }
    }
    Long first = null;
    for (String index : unique) {
      StringBuilder present = new StringBuilder();
      StringBuilder key = new StringBuilder();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT name, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno")) {
        ps.setString(1, index);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            String col = Sqlite.quote(r.getString(1));
            present.append(present.length() == 0 ? "" : " AND ").append(col).append(" IS NOT NULL");
            key.append(key.length() == 0 ? "" : ", ")
                .append(col)
                .append(" COLLATE ")
                .append(Sqlite.quote(r.getString(2)));
          }
        }
      }
      if (key.length() == 0) {
        continue;
      }
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT r FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY "
                      + key
                      + " ORDER BY rowid) AS n FROM main."
                      + Sqlite.quote(table)
                      + " NOT INDEXED WHERE "
                      + present
                      + ") WHERE n = 2 ORDER BY r LIMIT 1");
          ResultSet r = ps.executeQuery()) {
        if (r.next() && (first == null || r.getLong(1) < first)) {
          first = r.getLong(1);
        }
      }
    }
    return first;
  }
}
