package dev.porter.testdata;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a random SQLite database from a seed: random tables with random (often odd) names, random
 * declared types, sometimes STRICT or WITHOUT ROWID, and random values of every storage class bound
 * through JDBC, so that the storage classes vary within a column. The same seed always writes the
 * same database.
 *
 * <p>Values include NULL, 64-bit extremes, -0.0, subnormals, ±max and ±infinity, TEXT with NUL,
 * emoji and any Unicode scalar value, TEXT that is not valid UTF-8, empty and large BLOBs. Database
 * settings (page size, auto_vacuum, encoding, user_version, application_id, WAL) vary too.
 */
public final class RandomSqlite {
  private static final String[] ODD_NAMES = {
    "t",
    "Data",
    "with space",
    "quote\"inside",
    "single'quote",
    "[bracketed]",
    "back`tick",
    "select",
    "order",
    "group",
    "table",
    "from",
    "where",
    "index",
    "primary",
    "a.b",
    "ünïcödé",
    "表",
    "emoji 😀",
    "tab\tin",
    "new\nline",
    "  leading spaces",
    "-dash",
    "1starts with digit",
    "%percent%",
    "rowid",
    "oid",
  };

  private static final String[] DECLARED_TYPES = {
    "INTEGER",
    "TEXT",
    "REAL",
    "BLOB",
    "NUMERIC",
    "",
    "VARCHAR(10)",
    "DECIMAL(5,2)",
    "BOOLEAN",
    "DATETIME",
    "INT",
    "BIGINT",
    "DOUBLE PRECISION",
    "FLOATING POINT",
    "STRING",
    "ANY",
    "UUID",
    "JSON",
    "weird type (1, 2)",
    "unsigned big int",
    "CHARINT",
    "nvarchar(255)",
  };

  private static final String[] STRICT_TYPES = {"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"};

  private final SplittableRandom random;
  private final boolean utf8;

  private RandomSqlite(SplittableRandom random, boolean utf8) {
    this.random = random;
    this.utf8 = utf8;
  }

  /** One column as generated. */
  private record Column(String name, String type, boolean notNull, boolean key) {}

  /**
   * Writes a random database into {@code file} (which must not exist) and returns a one-line
   * description of what it holds, for failure messages.
   */
  public static String create(Path file, long seed) throws SQLException {
    SplittableRandom random = new SplittableRandom(seed);
    String encoding =
        switch (random.nextInt(8)) {
          case 0 -> "UTF-16le";
          case 1 -> "UTF-16be";
          default -> "UTF-8";
        };
    RandomSqlite g = new RandomSqlite(random, encoding.equals("UTF-8"));
    StringBuilder summary = new StringBuilder("seed " + seed + ", " + encoding);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement s = c.createStatement()) {
        int[] pageSizes = {512, 1024, 4096, 8192, 65536};
        s.execute("PRAGMA page_size = " + pageSizes[random.nextInt(pageSizes.length)]);
        s.execute("PRAGMA auto_vacuum = " + random.nextInt(3));
        s.execute("PRAGMA encoding = '" + encoding + "'");
        s.execute("PRAGMA user_version = " + random.nextInt());
        s.execute("PRAGMA application_id = " + random.nextInt());
        if (random.nextInt(4) == 0) {
          s.execute("PRAGMA journal_mode = WAL");
          summary.append(", WAL");
        }
      }
      c.setAutoCommit(false);
      Set<String> tableNames = new HashSet<>();
      int tables = 1 + random.nextInt(4);
      for (int t = 0; t < tables; t++) {
        summary.append("; ").append(g.table(c, g.uniqueName(tableNames, true)));
      }
      c.commit();
    }
    return summary.toString();
  }

  /** Creates and fills one table; returns its description. */
  private String table(Connection c, String name) throws SQLException {
    boolean strict = random.nextInt(4) == 0;
    boolean withoutRowid = random.nextInt(4) == 0;
    boolean rowidAlias = !withoutRowid && random.nextInt(3) == 0;
    // a rowid table whose primary key is not the rowid (SQLite adds a unique index)
    boolean otherKey = !withoutRowid && !rowidAlias && random.nextInt(4) == 0;
    int width = 1 + random.nextInt(6);
    Set<String> columnNames = new HashSet<>();
    List<Column> columns = new ArrayList<>();
    int keyColumns = withoutRowid ? 1 + random.nextInt(Math.min(2, width)) : otherKey ? 1 : 0;
    for (int i = 0; i < width; i++) {
      String type;
      if (rowidAlias && i == 0) {
        type = "INTEGER";
      } else if (strict) {
        type = STRICT_TYPES[random.nextInt(STRICT_TYPES.length)];
      } else {
        type = DECLARED_TYPES[random.nextInt(DECLARED_TYPES.length)];
      }
      boolean key = (rowidAlias && i == 0) || i < keyColumns;
      if (otherKey && key && type.equalsIgnoreCase("INTEGER")) {
        type = "TEXT"; // PRIMARY KEY on an INTEGER column would make it the rowid
      }
      boolean notNull = key || random.nextInt(6) == 0;
      columns.add(new Column(uniqueName(columnNames, false), type, notNull, key));
    }
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(quote(name)).append(" (");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      Column col = columns.get(i);
      if (i > 0) {
        ddl.append(", ");
      }
      ddl.append(quote(col.name()));
      if (!col.type().isEmpty()) {
        ddl.append(' ').append(col.type());
      }
      if (col.notNull()) {
        ddl.append(" NOT NULL");
      }
      if (col.key()) {
        keys.add(quote(col.name()));
      }
    }
    if (rowidAlias) {
      ddl.setLength(0);
      ddl.append("CREATE TABLE ").append(quote(name)).append(" (");
      for (int i = 0; i < columns.size(); i++) {
        Column col = columns.get(i);
        ddl.append(i > 0 ? ", " : "").append(quote(col.name())).append(' ');
        ddl.append(i == 0 ? "INTEGER PRIMARY KEY" : col.type());
        if (i > 0 && col.notNull()) {
          ddl.append(" NOT NULL");
        }
      }
    } else if (!keys.isEmpty()) {
      ddl.append(", PRIMARY KEY (").append(String.join(", ", keys)).append(')');
    }
    ddl.append(')');
    List<String> options = new ArrayList<>();
    if (strict) {
      options.add("STRICT");
    }
    if (withoutRowid) {
      options.add("WITHOUT ROWID");
    }
    ddl.append(' ').append(String.join(", ", options));
    try (Statement s = c.createStatement()) {
      s.execute(ddl.toString());
      if (random.nextInt(3) == 0) {
        Column col = columns.get(random.nextInt(columns.size()));
        s.execute(
            "CREATE INDEX "
                + quote("idx " + name + " " + col.name())
                + " ON "
                + quote(name)
                + " ("
                + quote(col.name())
                + (random.nextBoolean() ? " DESC" : "")
                + ")");
      }
      if (random.nextInt(4) == 0) {
        s.execute("CREATE VIEW " + quote("view of " + name) + " AS SELECT * FROM " + quote(name));
      }
    }
    int rows = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(60);
    Set<Long> usedRowids = new HashSet<>();
    for (int r = 0; r < rows; r++) {
      insertRow(c, name, columns, strict, rowidAlias, r, usedRowids);
    }
    if (!withoutRowid && rows > 2 && random.nextBoolean()) {
      try (Statement s = c.createStatement()) {
        // gaps in the rowids
        s.execute(
            "DELETE FROM " + quote(name) + " WHERE _rowid_ % " + (2 + random.nextInt(3)) + " = 0");
      }
    }
    return String.format(
        Locale.ROOT,
        "table %s%s%s: %d columns %s, %d rows inserted",
        show(name),
        strict ? " STRICT" : "",
        withoutRowid ? " WITHOUT ROWID" : "",
        columns.size(),
        columns.stream().map(col -> show(col.name()) + " " + col.type()).toList(),
        rows);
  }

  private void insertRow(
      Connection c,
      String table,
      List<Column> columns,
      boolean strict,
      boolean rowidAlias,
      int rowIndex,
      Set<Long> usedRowids)
      throws SQLException {
    Object[] values = new Object[columns.size()];
    boolean[] rawText = new boolean[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      Column col = columns.get(i);
      if (rowidAlias && i == 0) {
        values[i] = random.nextInt(3) == 0 ? null : uniqueRowid(usedRowids);
      } else if (col.key() && i == 0) {
        values[i] = keyValue(col.type(), strict, rowIndex);
      } else {
        values[i] = value(col, strict);
        if (values[i] instanceof RawBytes) {
          rawText[i] = true;
        }
      }
    }
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (");
    StringBuilder params = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i > 0 ? ", " : "").append(quote(columns.get(i).name()));
      params.append(i > 0 ? ", " : "").append(rawText[i] ? "CAST(? AS TEXT)" : "?");
    }
    sql.append(") VALUES (").append(params).append(')');
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        EdgeCases.bind(ps, i + 1, v instanceof RawBytes rb ? rb.bytes() : v);
      }
      ps.executeUpdate();
    }
    if (rowidAlias && values[0] == null) {
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT last_insert_rowid()")) {
        r.next();
        usedRowids.add(r.getLong(1)); // SQLite chose it; a later explicit rowid must not
      }
    }
  }

  private long uniqueRowid(Set<Long> used) {
    // Not Long.MAX_VALUE: a row inserted with a NULL rowid after it would get a random rowid,
    // and the database would no longer follow from the seed.
    long[] special = {Long.MIN_VALUE, Long.MIN_VALUE + 1, 0, -1, 1, 1L << 40};
    while (true) {
      long v =
          random.nextInt(5) == 0
              ? special[random.nextInt(special.length)]
              : random.nextLong(-1_000_000, 1_000_000);
      if (used.add(v)) {
        return v;
      }
    }
  }

  /** A value unique to the row, legal for the column, for the first key column. */
  private static Object keyValue(String type, boolean strict, int rowIndex) {
    if (strict) {
      return switch (type) {
        case "INT", "INTEGER" -> (long) rowIndex * 7919 - 1000;
        case "REAL" -> rowIndex + 0.5;
        case "BLOB" -> new byte[] {(byte) rowIndex, (byte) (rowIndex >> 8)};
        default -> "key " + rowIndex;
      };
    }
    return "key " + rowIndex;
  }

  /** A marker for TEXT bytes that are not valid UTF-8 (bound through CAST(? AS TEXT)). */
  private record RawBytes(byte[] bytes) {}

  private Object value(Column col, boolean strict) {
    if (!col.notNull() && random.nextInt(8) == 0) {
      return null;
    }
    if (strict) {
      return switch (col.type()) {
        case "INT", "INTEGER" -> integer();
        case "REAL" -> random.nextInt(4) == 0 ? (Object) integer() : real();
        case "TEXT" -> text();
        case "BLOB" -> blob();
        default -> anyValue();
      };
    }
    return anyValue();
  }

  private Object anyValue() {
    return switch (random.nextInt(utf8 ? 11 : 10)) {
      case 0, 1 -> integer();
      case 2, 3 -> real();
      case 4, 5, 6 -> text();
      case 7, 8, 9 -> blob();
      default -> rawText();
    };
  }

  private long integer() {
    long[] special = {
      0,
      1,
      -1,
      Long.MIN_VALUE,
      Long.MAX_VALUE,
      Long.MIN_VALUE + 1,
      Long.MAX_VALUE - 1,
      Integer.MAX_VALUE,
      Integer.MIN_VALUE,
      1L << 53,
      (1L << 53) + 1
    };
    return switch (random.nextInt(3)) {
      case 0 -> special[random.nextInt(special.length)];
      case 1 -> random.nextLong();
      default -> random.nextInt(-1000, 1000);
    };
  }

  private double real() {
    double[] special = {
      -0.0,
      0.0,
      Double.MIN_VALUE,
      -Double.MIN_VALUE,
      Double.MIN_NORMAL,
      Double.MAX_VALUE,
      -Double.MAX_VALUE,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      1.5,
      0.1,
      1e300,
      Math.PI,
      9.007199254740993E15
    };
    return switch (random.nextInt(3)) {
      case 0 -> special[random.nextInt(special.length)];
      case 1 -> {
        double d;
        do {
          d = Double.longBitsToDouble(random.nextLong());
        } while (Double.isNaN(d)); // SQLite stores NaN as NULL
        yield d;
      }
      default -> random.nextDouble(-1e6, 1e6);
    };
  }

  private String text() {
    String[] special = {
      "",
      "\0",
      "a\0b",
      "\uD83D\uDE00",
      "\uFFFD",
      "123",
      " 12 ",
      "1e5",
      "-0.0",
      "0x1F",
      "NULL",
      "'; DROP TABLE x; --",
      "\r\n"
    };
    return switch (random.nextInt(4)) {
      case 0 -> special[random.nextInt(special.length)];
      case 1 -> randomString(1000 + random.nextInt(4000));
      default -> randomString(random.nextInt(30));
    };
  }

  /** A string of random Unicode scalar values (no lone surrogates) from several ranges. */
  private String randomString(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int cp =
          switch (random.nextInt(5)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> random.nextInt(0x80, 0x800);
            case 2 -> {
              int x = random.nextInt(0x800, 0x10000 - 0x800);
              yield x >= 0xD800 ? x + 0x800 : x; // skip the surrogate range
            }
            case 3 -> random.nextInt(0x10000, 0x110000);
            default -> random.nextInt(0x1F600, 0x1F650);
          };
      b.appendCodePoint(cp);
    }
    return b.toString();
  }

  private byte[] blob() {
    int size =
        switch (random.nextInt(20)) {
          case 0, 1, 2 -> 0;
          case 3 -> 65536 + random.nextInt(200_000);
          default -> 1 + random.nextInt(64);
        };
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  /** TEXT bytes that are not valid UTF-8: random bytes around one invalid sequence. */
  private RawBytes rawText() {
    byte[][] invalid = {
      {(byte) 0xff},
      {(byte) 0xc0, (byte) 0x80},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xe2, (byte) 0x82},
      {(byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}
    };
    byte[] head = randomString(random.nextInt(5)).getBytes(StandardCharsets.UTF_8);
    byte[] bad = invalid[random.nextInt(invalid.length)];
    byte[] tail = randomString(random.nextInt(5)).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + bad.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(bad, 0, out, head.length, bad.length);
    System.arraycopy(tail, 0, out, head.length + bad.length, tail.length);
    return new RawBytes(out);
  }

  /**
   * A name unique among {@code used} the way SQLite compares names (ASCII case-insensitively):
   * often an odd one from a fixed list, else random Unicode.
   */
  private String uniqueName(Set<String> used, boolean forTable) {
    while (true) {
      String name =
          random.nextInt(3) > 0
              ? ODD_NAMES[random.nextInt(ODD_NAMES.length)]
              : randomString(1 + random.nextInt(12)).replace("\0", "");
      if (random.nextInt(4) == 0) {
        name = name + " " + random.nextInt(100);
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (name.isEmpty()
          || (forTable && key.startsWith("sqlite_"))
          || (forTable && (key.equals("rowid") || key.equals("oid")))
          || !used.add(asciiLower(name))) {
        continue;
      }
      return name;
    }
  }

  private static String asciiLower(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
    }
    return b.toString();
  }

  /** A name for messages: quoted, with control characters escaped so it stays on one line. */
  private static String show(String identifier) {
    StringBuilder b = new StringBuilder();
    identifier
        .codePoints()
        .forEach(
            cp -> {
              if (cp < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return quote(b.toString());
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
