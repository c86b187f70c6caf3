package dev.porter.core.sqlite;

import dev.porter.core.archive.RawRow;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Foreign keys checked on the rows as they are loaded, so that the check after the load can skip
 * the tables it clears (docs/decisions/0026-sqlite-checks-in-parts.md).
 *
 * <p>A foreign key is followed here when it is one column referencing its parent's rowid (its
 * INTEGER PRIMARY KEY), the usual shape of an app's keys. The parent's keys and the child's values
 * are gathered into bit sets as the rows are bound; the child is cleared when its values are a
 * subset of its parent's keys. That is exactly the question {@code PRAGMA foreign_key_check} asks
 * (it brings the child's value to an integer and looks that rowid up), asked only where the answer
 * cannot differ:
 *
 * <ul>
 *   <li>both tables were empty when their rows came, took every row given (no merge of seed rows,
 *       no {@code ON CONFLICT REPLACE} in their definition that could delete a row), and nothing
 *       changed them afterwards (an app's after-load SQL forgets every set);
 *   <li>every key and value was an integer when bound (a NULL value references nothing), and the
 *       child's column does not store it as REAL, which could round it.
 * </ul>
 *
 * Anything else, and a set that would outgrow its memory, leaves the table to the check after the
 * load. A cleared table never hides a violation; a table not cleared is checked as before.
 */
final class SqliteKeySets {
  /** Bits per chunk of a set: 65,536 values in 8 KiB. */
  private static final int CHUNK_SHIFT = 16;

  /** The chunks all sets may hold together: 16 MiB. */
  private static final int CHUNK_BUDGET = 2048;

  /** The widest range of chunks one set may span (a slot each, 64 KiB at most): 2^30 values. */
  private static final int MAX_SPAN = 1 << 14;

  /** A single-column foreign key of {@code child} onto {@code parent}'s rowid. */
  private record Key(String child, String column, String parent, String parentKey) {}

  private final List<Key> keys = new ArrayList<>();

  /** Children (folded) with a foreign key that is not followed here. */
  private final Set<String> unfollowed = new HashSet<>();

  /** The sets, by folded table name and folded column. */
  private final Map<String, Bits> sets = new HashMap<>();

  /** Tables (folded) whose rows all came through a tracking that finished. */
  private final Set<String> complete = new HashSet<>();

  /** Tables (folded) tracked so far: a table tracked twice is not followed. */
  private final Set<String> tracked = new HashSet<>();

  private int chunksLeft = CHUNK_BUDGET;

  private SqliteKeySets() {}

  /** Reads the staging database's foreign keys. */
  static SqliteKeySets of(Connection c) throws SQLException {
    SqliteKeySets k = new SqliteKeySets();
    Map<String, List<String[]>> byKey = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\","
                    + " (SELECT upper(type) FROM pragma_table_info(m.name) AS i"
                    + " WHERE i.name = f.\"from\" COLLATE NOCASE)"
                    + " FROM main.sqlite_master AS m, pragma_foreign_key_list(m.name) AS f"
                    + " WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq")) {
      while (r.next()) {
        byKey
            .computeIfAbsent(r.getString(1) + "\u0000" + r.getInt(2), x -> new ArrayList<>())
            .add(
                new String[] {
                  r.getString(1), r.getString(3), r.getString(4), r.getString(5), r.getString(6)
                });
      }
    }
    Map<String, String[]> aliases = new HashMap<>(); // {the rowid's column, or null}
    for (List<String[]> columns : byKey.values()) {
      String[] f = columns.get(0);
      String child = SqliteChecks.fold(f[0]);
      String parentKey =
          aliases
              .computeIfAbsent(
                  SqliteChecks.fold(f[1]),
                  p -> {
                    try {
                      return new String[] {SqliteChecks.rowidAlias(c, f[1])};
                    } catch (SQLException e) {
                      return new String[] {null}; // not followed: the check after the load decides
                    }
                  })[0];
      boolean followed =
          columns.size() == 1
              && parentKey != null
              && (f[3] == null || SqliteChecks.fold(f[3]).equals(SqliteChecks.fold(parentKey)))
              && !realAffinity(f[4]);
      if (followed) {
        k.keys.add(
            new Key(
                child,
                SqliteChecks.fold(f[2]),
                SqliteChecks.fold(f[1]),
                SqliteChecks.fold(parentKey)));
      } else {
        k.unfollowed.add(child);
      }
    }
    return k;
  }

  /**
   * SQLite's rule for a column's affinity, REAL only: a type with REAL, FLOA or DOUB that is not
   * first an INTEGER or a TEXT type.
   */
  static boolean realAffinity(String type) {
    String t = type == null ? "" : type;
    if (t.contains("INT") || t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
      return false;
    }
    if (t.contains("BLOB")) {
      return false;
    }
    return t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB");
  }

  /**
   * What to gather from one table's rows, given in {@code columns}' order; null when nothing.
   *
   * @param fromEmpty the table held no row when its load began, and every row given is inserted or
   *     fails the import
   */
  Tracking track(String table, String definition, List<String> columns, boolean fromEmpty) {
    String name = SqliteChecks.fold(table);
    List<Integer> watch = new ArrayList<>(); // column indexes
    List<Bits> into = new ArrayList<>();
    boolean safe =
        tracked.add(name)
            && fromEmpty
            && (definition == null
                || !definition.toUpperCase(java.util.Locale.ROOT).contains("REPLACE"));
    for (Key k : keys) {
      if (k.parent().equals(name)) {
        addWatch(watch, into, columns, k.parentKey(), name, safe, true);
      }
      if (k.child().equals(name)) {
        addWatch(watch, into, columns, k.column(), name, safe, false);
      }
    }
    if (watch.isEmpty()) {
      return null;
    }
    int[] indexes = new int[watch.size()];
    for (int i = 0; i < indexes.length; i++) {
      indexes[i] = watch.get(i);
    }
    return new Tracking(name, indexes, into.toArray(new Bits[0]));
  }

  private void addWatch(
      List<Integer> watch,
      List<Bits> into,
      List<String> columns,
      String column,
      String table,
      boolean safe,
      boolean key) {
    String id = setId(table, column);
    Bits known = sets.get(id);
    if (known != null) {
      known.key |= key; // one set in both roles: a NULL is then a rowid SQLite chooses
      if (!safe) {
        known.drop(); // the table's rows came twice
      }
      return;
    }
    Bits bits = new Bits();
    bits.key = key;
    sets.put(id, bits);
    int index = -1;
    for (int i = 0; i < columns.size(); i++) {
      if (SqliteChecks.fold(columns.get(i)).equals(column)) {
        index = i;
      }
    }
    if (index < 0 || !safe) {
      bits.lost = true; // a key given by SQLite (no value), or rows that may not all stay
      return;
    }
    watch.add(index);
    into.add(bits);
  }

  private static String setId(String table, String column) {
    return table + "\u0000" + column;
  }

  /** Something changed the tables after their load: no set holds any more. */
  void forget() {
    complete.clear();
    sets.clear();
  }

  /** The child tables (folded names) whose every foreign key holds. */
  Set<String> cleared() {
    Map<String, Boolean> children = new HashMap<>();
    for (Key k : keys) {
      Bits values = complete.contains(k.child()) ? sets.get(setId(k.child(), k.column())) : null;
      Bits parent =
          complete.contains(k.parent()) ? sets.get(setId(k.parent(), k.parentKey())) : null;
      boolean holds =
          values != null && parent != null && !values.lost && !parent.lost && values.within(parent);
      children.merge(k.child(), holds, Boolean::logicalAnd);
    }
    Set<String> cleared = new HashSet<>();
    for (Map.Entry<String, Boolean> e : children.entrySet()) {
      if (e.getValue() && !unfollowed.contains(e.getKey())) {
        cleared.add(e.getKey());
      }
    }
    return cleared;
  }

  /** Gathers one table's keys and values from its rows. */
  final class Tracking {
    private final String table;
    private final int[] columns;
    private final Bits[] into;

    private Tracking(String table, int[] columns, Bits[] into) {
      this.table = table;
      this.columns = columns;
      this.into = into;
    }

    void accept(Object[] row) {
      for (int i = 0; i < columns.length; i++) {
        Bits b = into[i];
        if (b.lost) {
          continue;
        }
        Object v = row[columns[i]];
        // Classes compared, not instanceof, and null tested first: C2 speculated from the
        // instanceof's profile that no value is null, and the first NULL key undid the compiled
        // loader (see SqliteRecords.encode).
        Class<?> k = v == null ? null : v.getClass();
        if (k == Long.class) {
          b.add((Long) v);
        } else if (k == Integer.class) {
          b.add((Integer) v);
        } else if (k != null || b.key) {
          b.drop(); // not an integer as bound, or a rowid SQLite would choose
        }
      }
    }

    /** As {@link #accept(Object[])}, for a row prepared on the decoding thread. */
    void accept(SqlitePreparedRows rows, int r) {
      for (int i = 0; i < columns.length; i++) {
        Bits b = into[i];
        if (b.lost) {
          continue;
        }
        int k = rows.kind(r, columns[i]);
        if (k == RawRow.INTEGER) {
          b.add(rows.value(r, columns[i]));
        } else if (k != RawRow.NULL || b.key) {
          b.drop();
        }
      }
    }

    /** Every row of the table came through here. */
    void finish() {
      complete.add(table);
    }
  }

  /** A set of longs as bits, in chunks allocated as values come; it gives up past its budget. */
  final class Bits {
    private long[][] chunks = new long[0][];
    private long base;
    boolean lost;

    /** A parent's keys (perhaps also a child's values): a NULL there is a rowid SQLite chooses. */
    boolean key;

    void add(long v) {
      long chunk = v >> CHUNK_SHIFT;
      long slot = chunk - base; // in 64 bits: chunks 2^32 apart must not share a slot
      if (slot < 0 || slot >= chunks.length || chunks[(int) slot] == null) {
        if (!make(chunk)) {
          return;
        }
        slot = chunk - base;
      }
      int offset = (int) (v & ((1 << CHUNK_SHIFT) - 1));
      chunks[(int) slot][offset >>> 6] |= 1L << offset;
    }

    private boolean make(long chunk) {
      if (chunks.length == 0) {
        base = chunk;
        chunks = new long[1][];
      } else if (chunk < base || chunk >= base + chunks.length) {
        long low = Math.min(base, chunk);
        long high = Math.max(base + chunks.length - 1, chunk);
        if (high - low + 1 > MAX_SPAN) {
          drop();
          return false;
        }
        long[][] grown = new long[(int) (high - low + 1)][];
        System.arraycopy(chunks, 0, grown, (int) (base - low), chunks.length);
        chunks = grown;
        base = low;
      }
      if (chunksLeft == 0) {
        drop();
        return false;
      }
      chunksLeft--;
      chunks[(int) (chunk - base)] = new long[1 << (CHUNK_SHIFT - 6)];
      return true;
    }

    void drop() {
      if (!lost) {
        for (long[] c : chunks) {
          if (c != null) {
            chunksLeft++;
          }
        }
        chunks = new long[0][];
        lost = true;
      }
    }

    /** Every value of this set is in {@code other}. */
    boolean within(Bits other) {
      for (int i = 0; i < chunks.length; i++) {
        long[] mine = chunks[i];
        if (mine == null) {
          continue;
        }
        long slot = base + i - other.base;
        long[] theirs = slot >= 0 && slot < other.chunks.length ? other.chunks[(int) slot] : null;
        for (int w = 0; w < mine.length; w++) {
          if ((mine[w] & ~(theirs == null ? 0 : theirs[w])) != 0) {
            return false;
          }
        }
      }
      return true;
    }
  }
}
