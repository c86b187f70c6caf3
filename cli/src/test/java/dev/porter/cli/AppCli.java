package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.core.app.PorterApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Runs porter's command line in this JVM, and reads the files and databases it leaves. */
final class AppCli {
  private AppCli() {}

  /** What one porter run printed and returned. */
  record Run(int code, String out, String err) {
    Run expect(int expected) {
      assertEquals(expected, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }
  }

  static Run porter(Object... args) {
    String[] a = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      a[i] = String.valueOf(args[i]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(o, e, a);
    }
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * A directory that names {@code app} in META-INF/services, as {@code --app} expects; the class
   * itself is on the test class path, which porter's class loader delegates to.
   */
  static Path appDir(Path parent, Class<? extends PorterApp> app) throws IOException {
    Path dir = Files.createDirectories(parent.resolve("app-" + app.getSimpleName()));
    Path service = dir.resolve("META-INF/services/dev.porter.core.app.PorterApp");
    Files.createDirectories(service.getParent());
    Files.writeString(service, app.getName() + "\n");
    return dir;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of the files in a directory, sorted. */
  static TreeSet<String> files(Path dir) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    }
    return out;
  }

  /** The rows of a query, each value as JDBC returns it (integers as Long). */
  static List<List<Object>> query(Path db, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          Object v = r.getObject(i);
          row.add(v instanceof Integer x ? Long.valueOf(x) : v);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static long count(Path db, String table) throws SQLException {
    return (Long) query(db, "SELECT count(*) FROM \"" + table + "\"").get(0).get(0);
  }

  static void exec(Path db, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.executeUpdate(q);
      }
    }
  }

  /** The helpdesk release a database is at, read as the app does. */
  static String helpdeskRelease(Path db) throws SQLException {
    return (String)
        query(db, "SELECT value FROM app_meta WHERE key = 'schema_version'").get(0).get(0);
  }
}
