package dev.porter.core.sqlite;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.RawText;
import dev.porter.core.model.Rows;
import dev.porter.core.model.TableDef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inserts one table's rows, many rows per INSERT statement (one statement per row costs several
 * times more than the rows themselves); TEXT that is not valid UTF-8 goes through CAST, one row at
 * a time, so that its bytes are kept. A statement that fails is undone by SQLite, and its rows are
 * tried one by one to name the row at fault.
 */
final class SqliteInsertLoader implements RowSink {
  /**
   * Rows per INSERT statement; at most this many ? parameters in one (SQLite's default limit since
   * 3.32; the library porter bundles allows 250,000); and at most about this many bytes of values
   * held back for one statement, so that large values are not held 256 at a time.
   */
  private static final int BATCH_ROWS = 256;

  private static final int BATCH_PARAMETERS = 32766;

  private static final long BATCH_BYTES = 4L << 20;

  /** What a loader asks of the import it loads for. */
  interface Host {
    /** The staging connection, opened again if the file was being written as pages. */
    Connection connection() throws SQLException;

    /**
     * The loader holds statements open until {@link #finishing}: see {@link
     * SqliteInsertLoader#suspend}.
     */
    void started(SqliteInsertLoader loader);

    void finishing(SqliteInsertLoader loader);

    /** {@code rows} of {@code table} were inserted. */
    void loaded(String table, long rows);
  }

  private final Host host;
  private final TargetOptions options;

  /** The database imported into, for messages. */
  private final Path target;

  private final TableDef table;
  private final List<String> columns;
  private final LoadMode mode;

  /** Prepared at first use, and again after {@link #suspend}. */
  private PreparedStatement insert;

  private final Map<Long, PreparedStatement> rawTextInserts = new HashMap<>();
  private final Map<String, Long> coercions = new java.util.LinkedHashMap<>();
  private PreparedStatement batchInsert;
  private final Object[][] pending;
  private int pendingCount;

  /** About how many bytes of values the rows held back hold. */
  private long pendingBytes;

  /** The number of the first row held back. */
  private long pendingFirst;

  private long rows;

  /** The number of the row being bound, for messages. */
  private long current;

  private long inserted;

  /** Gathers the keys and values of followed foreign keys, or null. */
  private final SqliteKeySets.Tracking tracking;

  /** {@code firstRow}: the rows of this table already loaded otherwise, for row numbers. */
  SqliteInsertLoader(
      Host host,
      TargetOptions options,
      Path target,
      TableDef table,
      List<String> columns,
      LoadMode mode,
      SqliteKeySets.Tracking tracking,
      long firstRow)
      throws SQLException {
    this.host = host;
    this.options = options;
    this.target = target;
    this.table = table;
    this.rows = firstRow;
    this.tracking = tracking;
    this.columns = List.copyOf(columns);
    this.mode = mode;
    host.connection(); // open, so that a failure to open is reported for this table
    int batch = Math.max(1, Math.min(BATCH_ROWS, BATCH_PARAMETERS / Math.max(1, columns.size())));
    this.pending = new Object[batch][];
    host.started(this);
  }

  private PreparedStatement single() throws SQLException {
    if (insert == null) {
      insert = host.connection().prepareStatement(insertSql(0L, 1));
    }
    return insert;
  }

  private PreparedStatement batch() throws SQLException {
    if (batchInsert == null) {
      batchInsert = host.connection().prepareStatement(insertSql(0L, pending.length));
    }
    return batchInsert;
  }

  /** Inserts the rows held back and closes the statements, for the connection to close. */
  void suspend() throws SQLException {
    flushPending();
    closeStatements();
  }

  private void closeStatements() throws SQLException {
    if (insert != null) {
      insert.close();
      insert = null;
    }
    if (batchInsert != null) {
      batchInsert.close();
      batchInsert = null;
    }
    for (PreparedStatement ps : rawTextInserts.values()) {
      ps.close();
    }
    rawTextInserts.clear();
  }

  private String insertSql(long rawTextMask, int rowCount) {
    StringBuilder cols = new StringBuilder();
    StringBuilder vals = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        cols.append(", ");
        vals.append(", ");
      }
      String c = columns.get(i);
      cols.append(c.equals(table.rowidColumn()) ? c : Sqlite.quote(c));
      vals.append(i < 64 && (rawTextMask & (1L << i)) != 0 ? "CAST(? AS TEXT)" : "?");
    }
    StringBuilder sql =
        new StringBuilder("INSERT INTO main.")
            .append(Sqlite.quote(table.name()))
            .append(" (")
            .append(cols)
            .append(") VALUES ");
    for (int r = 0; r < rowCount; r++) {
      sql.append(r > 0 ? ", (" : "(").append(vals).append(')');
    }
    if (mode == LoadMode.MERGE) {
      sql.append(" ON CONFLICT DO NOTHING");
    }
    return sql.toString();
  }

  @Override
  public void accept(Object[] row) {
    rows++;
    if (tracking != null) {
      tracking.accept(row);
    }
    long mask = rawTextMask(row);
    if (mask != 0 || pending.length == 1) {
      flushPending();
      insertOne(row, rows, mask);
      return;
    }
    if (pendingCount == 0) {
      pendingFirst = rows;
    }
    pending[pendingCount++] = row;
    pendingBytes += Rows.approximateBytes(row);
    if (pendingCount == pending.length || pendingBytes >= BATCH_BYTES) {
      flushPending();
    }
  }

  /** The columns of this row that hold TEXT that is not UTF-8, as bits. */
  private long rawTextMask(Object[] row) {
    long mask = 0;
    for (int i = 0; i < row.length; i++) {
      if (row[i] instanceof RawText) {
        if (i >= 64) {
          throw PorterException.refused(
              "table "
                  + table.name()
                  + ", column "
                  + columns.get(i)
                  + ", row "
                  + rows
                  + ": TEXT that is not UTF-8 beyond the 64th column is not supported");
        }
        mask |= 1L << i;
      }
    }
    return mask;
  }

  /**
   * Inserts the rows held back: a full batch in one statement, fewer one by one. If the batch
   * statement fails, SQLite has undone it (the staging file keeps a journal in memory for this),
   * and the rows are tried one at a time so that the failure names its row.
   */
  private void flushPending() {
    if (pendingCount == 0) {
      return;
    }
    long first = pendingFirst;
    int n = pendingCount;
    pendingCount = 0;
    pendingBytes = 0;
    if (n == pending.length) {
      // the rows are bound again if the statement fails: their conversions must count once
      Map<String, Long> counted = coercions.isEmpty() ? Map.of() : new HashMap<>(coercions);
      PreparedStatement statement = null;
      try {
        statement = batch();
        int index = 1;
        for (int r = 0; r < n; r++) {
          current = first + r;
          Object[] row = pending[r];
          for (int i = 0; i < row.length; i++) {
            bind(statement, index++, row[i], i);
          }
        }
        inserted += statement.executeUpdate();
        java.util.Arrays.fill(pending, null);
        return;
      } catch (SQLException e) {
        // undone as a whole: the rows one by one find the one at fault
        coercions.clear();
        coercions.putAll(counted);
        try {
          if (statement != null) {
            statement.clearParameters();
          }
        } catch (SQLException again) {
          e.addSuppressed(again);
        }
      }
    }
    for (int r = 0; r < n; r++) {
      insertOne(pending[r], first + r, 0L);
    }
    java.util.Arrays.fill(pending, null);
  }

  private void insertOne(Object[] row, long number, long mask) {
    current = number;
    try {
      PreparedStatement ps =
          mask == 0
              ? single()
              : rawTextInserts.computeIfAbsent(mask, k -> prepare(insertSql(k, 1)));
      for (int i = 0; i < row.length; i++) {
        bind(ps, i + 1, row[i], i);
      }
      inserted += ps.executeUpdate();
    } catch (SQLException e) {
      throw rowRefused(table, number, columns, row, e);
    }
  }

  private PreparedStatement prepare(String sql) {

    try {
      return host.connection().prepareStatement(sql);
    } catch (SQLException e) {
      throw Sqlite.failure("cannot prepare an insert into the staging database for", target, e);
    }
  }

  private void bind(PreparedStatement ps, int index, Object v, int column) throws SQLException {
    if (v == null) {
      ps.setNull(index, Types.NULL);
    } else if (v instanceof Long l) {
      ps.setLong(index, l);
    } else if (v instanceof Double d) {
      if (d.isNaN()) {
        // SQLite has no NaN: a bound NaN becomes NULL. The text keeps it, like a numeric NaN.
        note("real→text (NaN)");
        ps.setString(index, "NaN");
      } else {
        ps.setDouble(index, d);
      }
    } else if (v instanceof String s) {
      ps.setString(index, s);
    } else if (v instanceof byte[] b) {
      ps.setBytes(index, b);
    } else if (v instanceof RawText r) {
      ps.setBytes(index, r.bytes());
    } else if (v instanceof Integer n) {
      ps.setLong(index, n);
    } else if (v instanceof Boolean bool) {
      note("boolean→integer");
      ps.setLong(index, bool ? 1 : 0);
    } else if (v instanceof java.math.BigDecimal d) {
      bindDecimal(ps, index, d, column);
    } else if (v instanceof dev.porter.core.model.SpecialNumber n) {
      note("decimal→text");
      ps.setString(index, n.text());
    } else if (v instanceof java.time.LocalDate d) {
      note("date→text");
      ps.setString(index, SqliteValues.date(d));
    } else if (v instanceof java.time.LocalDateTime d) {
      note("timestamp→text");
      ps.setString(index, SqliteValues.timestamp(d));
    } else if (v instanceof java.time.Instant i) {
      note("timestamptz→text");
      ps.setString(index, SqliteValues.instant(i));
    } else if (v instanceof java.util.UUID u) {
      note("uuid→text");
      ps.setString(index, u.toString());
    } else {
      throw refused(column, "SQLite cannot store a " + v.getClass().getSimpleName() + " value");
    }
  }

  /** A value of this row that cannot be stored: names the table, column and row. */
  private PorterException refused(int column, String why) {
    return PorterException.refused(
        "table "
            + table.name()
            + ", column "
            + columns.get(column)
            + ", row "
            + current
            + ": "
            + why);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  private void note(String what) {
    coercions.merge(what, 1L, Long::sum);
  }

  /**
   * SQLite keeps 15 significant digits of a number: an exact decimal with more is refused (or, with
   * --allow-lossy, stored as the nearest double).
   */
  private void bindDecimal(PreparedStatement ps, int index, java.math.BigDecimal d, int column)
      throws SQLException {
    java.math.BigDecimal s = d.stripTrailingZeros();
    if (s.scale() <= 0
        && s.precision() - s.scale() <= 19
        && s.toBigInteger().bitLength() <= 63) { // a whole number within 64 bits
      note("decimal→integer");
      ps.setLong(index, s.longValueExact());
    } else if (s.precision() <= 15
        && !Double.isInfinite(d.doubleValue())
        && (d.doubleValue() != 0 || d.signum() == 0)) {
      note("decimal→real");
      ps.setDouble(index, d.doubleValue());
    } else if (options.lossyAllowed(table.name(), columns.get(column))) {
      note("decimal→real (rounded)");
      ps.setDouble(index, d.doubleValue());
    } else {
      throw refused(
          column,
          abbreviate(d.toString())
              + (s.precision() > 15
                  ? " has more significant digits than SQLite keeps (15)"
                  : " is beyond the range of SQLite's numbers")
              + "; --allow-lossy "
              + table.name()
              + "."
              + columns.get(column)
              + " stores the nearest double");
    }
  }

  @Override
  public Map<String, Long> coercions() {
    return coercions;
  }

  @Override
  public long finish() {
    host.finishing(this);
    flushPending();
    try {
      closeStatements();
    } catch (SQLException e) {
      throw Sqlite.failure("cannot finish loading table " + table.name() + " into", target, e);
    }
    if (tracking != null) {
      tracking.finish();
    }
    host.loaded(table.name(), inserted);
    return inserted;
  }

  /**
   * The line that fails an import for a row SQLite refused, whether it was inserted or written as
   * pages: the table, the row's number in load order, its first three values, SQLite's words.
   */
  static PorterException rowRefused(
      TableDef table, long number, List<String> columns, Object[] row, SQLException e) {
    return new PorterException(
        ErrorCategory.REFUSED,
        "table "
            + table.name()
            + ", row "
            + number
            + " ("
            + describe(columns, row)
            + "): SQLite refused it: "
            + e.getMessage().replace('\n', ' '),
        e);
  }

  /** The first three values of a row, with their columns' names, for a message. */
  private static String describe(List<String> columns, Object[] row) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(row.length, 3); i++) {
      if (i > 0) {
        b.append(", ");
      }
      Object v = row[i];
      String s = v instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : String.valueOf(v);
      b.append(columns.get(i)).append('=').append(s.length() > 40 ? s.substring(0, 40) + "…" : s);
    }
    return b.toString();
  }
}
