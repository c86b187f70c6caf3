package dev.porter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * porter's side-by-side benchmark (docs/benchmarks.md). On the same generated data, on the same
 * machine, alternating the order of the tools run after run, it times porter against what an
 * operator would otherwise run: pg_dump/pg_restore for PostgreSQL, the sqlite3 shell for SQLite; it
 * also times an import through a three-step transform chain against one through no step, and runs
 * porter with a 256 MB heap at a larger scale. It prints medians and the ratios porter/anchor.
 */
public final class Bench {
  private final PrintStream out = System.out;
  private final Path work;
  private final Path launcher;
  private final int scale;
  private final int runs;
  private final int memoryScale;
  private final List<String> only;
  private final Path log;
  private final Map<String, List<Measure.Sample>> samples = new LinkedHashMap<>();
  private final Map<String, Long> sizes = new LinkedHashMap<>();

  private Bench(Path work, Path launcher, int scale, int runs, int memoryScale, List<String> only)
      throws IOException {
    this.work = Files.createDirectories(work);
    this.launcher = launcher;
    this.scale = scale;
    this.runs = runs;
    this.memoryScale = memoryScale;
    this.only = only;
    this.log = work.resolve("bench.log");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println(
            """
            porter bench [--scale N] [--runs N] [--memory-scale N] [--only sqlite,postgresql,transforms,memory] [--work DIR]
            porter bench --only attach --runs 40

              --scale N          data size: N × 1,200,000 rows (default 1)
              --runs N           runs of each tool, alternating their order (default 3; the median is reported)
              --memory-scale N   the scale of the 256 MB-heap run (default 10; 0 skips it)
              --only LIST        which parts to run (default: all); attach is porter's SQLite round trip
                                 and the ATTACH copy alone, cheap enough for many runs
              --work DIR         where data, archives and dumps go (default: a new folder under the temp dir)

            PostgreSQL needs an installed PostgreSQL whose pg_dump and pg_restore match its server
            (found under /usr/lib/postgresql/*/bin, or PORTER_PG_BIN); SQLite needs the sqlite3 shell.
            What is missing is reported, and that part skipped.""");
        return;
      }
      o.put(args[i], i + 1 < args.length ? args[++i] : "");
    }
    Path launcher = Path.of(o.getOrDefault("--porter", "porter")).toAbsolutePath();
    Path work =
        o.containsKey("--work")
            ? Path.of(o.get("--work"))
            : Files.createTempDirectory("porter-bench-");
    List<String> only = parts(o.getOrDefault("--only", String.join(",", PARTS)));
    Integer scale = number(o, "--scale", 1, 1);
    Integer runs = number(o, "--runs", 3, 1);
    Integer memoryScale = number(o, "--memory-scale", 10, 0);
    if (only == null || scale == null || runs == null || memoryScale == null) {
      System.exit(2); // the usage exit code of porter (docs/exit-codes.md)
    }
    new Bench(work, launcher, scale, runs, memoryScale, only).run();
  }

  /** The parts of a whole run, each of which --only may name. */
  static final List<String> PARTS = List.of("sqlite", "transforms", "postgresql", "memory");

  /** The part --only may also name: the SQLite part's porter round trip and ATTACH copy alone. */
  private static final String ATTACH_ONLY = "attach";

  /**
   * The parts a --only list names, or null (after one line on stderr) for a name it does not know.
   */
  static List<String> parts(String list) {
    List<String> named = Arrays.asList(list.split(","));
    for (String part : named) {
      if (!PARTS.contains(part) && !part.equals(ATTACH_ONLY)) {
        System.err.println(
            "porter bench: --only takes "
                + String.join(", ", PARTS)
                + " or "
                + ATTACH_ONLY
                + ", not '"
                + part
                + "'");
        return null;
      }
    }
    return named;
  }

  /**
   * The whole number given for {@code option} (its default when absent), or null after one line on
   * standard error when it is not a number of at least {@code min}.
   */
  static Integer number(Map<String, String> o, String option, int absent, int min) {
    String given = o.get(option);
    if (given == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(given.trim());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println(
        "porter bench: "
            + option
            + " takes a whole number of at least "
            + min
            + ", not '"
            + given
            + "'");
    return null;
  }

  private void run() throws Exception {
    out.printf(
        Locale.ROOT,
        "porter bench: scale %d (%,d rows), %d runs each, in %s%n",
        scale,
        new DataGen(scale).rows(),
        runs,
        work);
    out.printf(
        Locale.ROOT,
        "machine: %d cores, %s, Java %s%n",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("java.version"));
    String sqlite3 = which("sqlite3");
    Path pgBin = PgServer.findBinaries();
    out.println(
        "sqlite3: "
            + (sqlite3 == null
                ? "MISSING (install the sqlite3 shell; the SQLite anchors are skipped)"
                : version(List.of(sqlite3, "--version"))));
    out.println(
        "PostgreSQL: "
            + (pgBin == null
                ? "MISSING (no installed PostgreSQL with initdb, pg_ctl, postgres, pg_dump and pg_restore; set PORTER_PG_BIN; the PostgreSQL part is skipped)"
                : version(List.of(pgBin.resolve("pg_dump").toString(), "--version"))
                    + " in "
                    + pgBin));
    // Untimed: the launcher builds the jar and trains its class-data archive on its first run.
    Measure.run(List.of(launcher.toString(), "--version"), log);
    out.println();
    if (only.contains("sqlite") || only.contains(ATTACH_ONLY) || only.contains("transforms")) {
      sqlite(sqlite3);
    }
    if (only.contains("postgresql") && pgBin != null) {
      postgres(pgBin);
    }
    if (only.contains("memory") && memoryScale > 0) {
      memory();
    }
    report();
  }

  /**
   * porter as an operator runs it: through its launcher, with the JVM settings the launcher gives
   * (docs/decisions/0016-launcher-jvm-settings.md); a heap limit goes in through JAVA_OPTS.
   */
  private List<String> porter(String heap, String... args) {
    List<String> cmd = new ArrayList<>();
    if (heap != null) {
      cmd.addAll(List.of("env", "JAVA_OPTS=" + heap));
    }
    cmd.add(launcher.toString());
    cmd.addAll(List.of(args));
    cmd.add("--progress");
    cmd.add("never");
    return cmd;
  }

  private Measure.Sample time(String workload, List<String> command) throws Exception {
    Files.writeString(
        log,
        "\n$ " + String.join(" ", command) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    settle();
    return Measure.run(command, log);
  }

  /**
   * Writes every dirty page to disk before a run (untimed), so that no tool pays for the write-back
   * of files the one before it wrote: each starts from the same quiet disk. Where {@code sync} is
   * missing, runs go on without it.
   */
  private static void settle() throws InterruptedException {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (IOException e) {
      // no sync command: the runs are still alternated
    }
  }

  private void record(String workload, Measure.Sample... parts) {
    double wall = 0;
    double cpu = 0;
    long rss = 0;
    boolean rebuilt = false;
    for (Measure.Sample s : parts) {
      wall += s.wallSeconds();
      cpu += s.cpuSeconds();
      rss = Math.max(rss, s.peakRssBytes());
      rebuilt |= s.rebuilt();
    }
    samples
        .computeIfAbsent(workload, k -> new ArrayList<>())
        .add(new Measure.Sample(wall, cpu, rss, rebuilt));
    out.printf(
        Locale.ROOT,
        "  %-44s %7.2f s wall %7.2f s cpu %7.0f MB peak%s%n",
        workload,
        wall,
        cpu,
        rss / 1e6,
        rebuilt ? "  (porter's jar was built in this run)" : "");
  }

  private void sqlite(String sqlite3) throws Exception {
    DataGen gen = new DataGen(scale);
    Path src = work.resolve("shop.db");
    generateIfMissing(gen, src);
    Path archive = work.resolve("shop.porter");
    Path appDir = BenchAppDir.write(work.resolve("bench-app"));
    if (only.contains("sqlite") || only.contains(ATTACH_ONLY)) {
      out.println("SQLite:");
      // attach alone: the one pair whose target a run's spread decides, over as many runs as asked
      List<String> tools =
          only.contains("sqlite")
              ? List.of(
                  "sqlite3 .dump | sqlite3",
                  "sqlite3 ATTACH + INSERT SELECT",
                  CHECKED_COPY,
                  "porter export + import")
              : List.of("sqlite3 ATTACH + INSERT SELECT", "porter export + import");
      for (int r = 0; r < runs; r++) {
        List<String> order = rotate(tools, r);
        for (String w : order) {
          switch (w) {
            case "sqlite3 .dump | sqlite3" -> {
              if (sqlite3 == null) {
                continue;
              }
              Path dst = fresh("dump.db");
              record(
                  w,
                  time(
                      w,
                      List.of(
                          "bash",
                          "-c",
                          sqlite3 + " '" + src + "' .dump | " + sqlite3 + " '" + dst + "'")));
            }
            case "sqlite3 ATTACH + INSERT SELECT" -> {
              if (sqlite3 == null) {
                continue;
              }
              Path dst = fresh("attach.db");
              Path script = work.resolve("attach.sql");
              StringBuilder sql =
                  new StringBuilder(
                      ".read '"
                          + work.resolve("schema.sql")
                          + "'\nATTACH '"
                          + src
                          + "' AS s;\nBEGIN;\n");
              copyEveryTable(sql, "");
              Files.writeString(script, sql.append("COMMIT;\n").toString());
              record(
                  w,
                  time(
                      w,
                      List.of(
                          "bash",
                          "-c",
                          sqlite3
                              + " '"
                              + src
                              + "' .schema | grep -v '^INSERT' > '"
                              + work.resolve("schema.sql")
                              + "' && "
                              + sqlite3
                              + " '"
                              + dst
                              + "' < '"
                              + script
                              + "'")));
            }
            case CHECKED_COPY -> {
              if (sqlite3 == null) {
                continue;
              }
              record(w, time(w, checkedCopy(sqlite3, src)));
            }
            default -> {
              Files.deleteIfExists(archive);
              Path dst = fresh("porter.db");
              Measure.Sample e =
                  time(
                      w,
                      porter(
                          null, "export", "--db", src.toString(), "--output", archive.toString()));
              Measure.Sample i =
                  time(w, porter(null, "import", archive.toString(), "--db", dst.toString()));
              record("porter export (SQLite)", e);
              record("porter import (SQLite)", i);
              record(w, e, i);
            }
          }
        }
      }
      sizes.put("porter archive (SQLite source)", Files.size(archive));
      sizes.put("SQLite database file", Files.size(src));
    }
    if (only.contains("transforms")) {
      out.println("Transform chain (import of the same release-1 archive, SQLite):");
      Path appArchive = work.resolve("shop-app.porter");
      Files.deleteIfExists(appArchive);
      time(
          "export --app",
          porter(
              null,
              "export",
              "--db",
              src.toString(),
              "--app",
              appDir.toString(),
              "--output",
              appArchive.toString()));
      for (int r = 0; r < runs; r++) {
        for (String w :
            rotate(
                List.of(
                    "porter import, no-op chain (release 1 → 1)",
                    "porter import, 3-step chain (release 1 → 4)"),
                r)) {
          Path dst = fresh("chain.db");
          String to = w.contains("1 → 1") ? "1" : "4";
          record(
              w,
              time(
                  w,
                  porter(
                      null,
                      "import",
                      appArchive.toString(),
                      "--db",
                      dst.toString(),
                      "--app",
                      appDir.toString(),
                      "--to",
                      to)));
        }
      }
    }
  }

  private void postgres(Path bin) throws Exception {
    try (PgServer pg = PgServer.start(bin, work)) {
      DataGen gen = new DataGen(scale);
      pg.createDatabase("shop");
      long t0 = System.nanoTime();
      gen.fillPostgres(pg.url("shop"));
      out.printf(
          Locale.ROOT,
          "PostgreSQL %s on port %d: generated database shop (%,d rows) in %.0f s%n",
          bin.getParent().getFileName(),
          pg.port,
          gen.rows(),
          (System.nanoTime() - t0) / 1e9);
      String uri = "postgresql://127.0.0.1:" + pg.port + "/shop?user=postgres";
      Path archive = work.resolve("pg.porter");
      Path fc = work.resolve("pg.dump");
      Path fd = work.resolve("pg.dir");
      out.println("PostgreSQL:");
      for (int r = 0; r < runs; r++) {
        for (String w :
            rotate(
                List.of(
                    "pg_dump -Fc + pg_restore",
                    "pg_dump -Fd -j 2 + pg_restore -j 2",
                    "porter export + import (PostgreSQL)"),
                r)) {
          switch (w) {
            case "pg_dump -Fc + pg_restore" -> {
              Files.deleteIfExists(fc);
              pg.createDatabase("dst_fc");
              Measure.Sample d = time(w, pg.tool("pg_dump", "-Fc", "-f", fc.toString(), "-d", uri));
              Measure.Sample s =
                  time(
                      w,
                      pg.tool(
                          "pg_restore", "-d", uri.replace("/shop?", "/dst_fc?"), fc.toString()));
              record(w, d, s);
              sizes.put("pg_dump -Fc file", Files.size(fc));
              pg.dropDatabase("dst_fc");
            }
            case "pg_dump -Fd -j 2 + pg_restore -j 2" -> {
              deleteTree(fd);
              pg.createDatabase("dst_fd");
              Measure.Sample d =
                  time(w, pg.tool("pg_dump", "-Fd", "-j", "2", "-f", fd.toString(), "-d", uri));
              Measure.Sample s =
                  time(
                      w,
                      pg.tool(
                          "pg_restore",
                          "-j",
                          "2",
                          "-d",
                          uri.replace("/shop?", "/dst_fd?"),
                          fd.toString()));
              record(w, d, s);
              sizes.put("pg_dump -Fd directory", treeSize(fd));
              pg.dropDatabase("dst_fd");
            }
            default -> {
              Files.deleteIfExists(archive);
              pg.createDatabase("dst_porter");
              Measure.Sample e =
                  time(
                      w,
                      porter(
                          null, "export", "--db", pg.url("shop"), "--output", archive.toString()));
              Measure.Sample i =
                  time(w, porter(null, "import", archive.toString(), "--db", pg.url("dst_porter")));
              record("porter export (PostgreSQL)", e);
              record("porter import (PostgreSQL)", i);
              record(w, e, i);
              sizes.put("porter archive (PostgreSQL source)", Files.size(archive));
              pg.dropDatabase("dst_porter");
            }
          }
        }
      }
    }
  }

  /** Generates the SQLite database {@code src} unless an earlier run left it in the work folder. */
  private void generateIfMissing(DataGen gen, Path src) throws Exception {
    if (!Files.exists(src)) {
      long t0 = System.nanoTime();
      gen.fillSqlite(src);
      out.printf(
          Locale.ROOT,
          "generated %s (%,d rows, %.0f MB) in %.0f s%n",
          src,
          gen.rows(),
          Files.size(src) / 1e6,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * porter with a 256 MB heap at the memory scale and at the run's scale, {@code runs} rounds, the
   * scales' order reversed every other round like the other parts. Each round exports and then
   * imports its own archive. A process's peak RSS varies from run to run by its threads' timing
   * (docs/benchmark-history.md, "Nineteenth session": 168-206 MB for the same scale-10 import), so
   * the growth is taken between medians, as the times are.
   */
  private void memory() throws Exception {
    DataGen gen = new DataGen(memoryScale);
    Path src = work.resolve("shop-x" + memoryScale + ".db");
    generateIfMissing(gen, src);
    out.printf(
        Locale.ROOT,
        "Memory (porter with -Xmx256m; scale %d vs scale %d, %d runs each):%n",
        memoryScale,
        scale,
        runs);
    Path small = work.resolve("shop.db");
    for (int r = 0; r < runs; r++) {
      boolean largeFirst = r % 2 == 0;
      for (boolean large : List.of(largeFirst, !largeFirst)) {
        if (large) {
          memoryRound(memoryScale, src, "shop-x" + memoryScale + ".porter", "mem.db");
        } else if (Files.exists(small)) {
          memoryRound(scale, small, "shop-mem1.porter", "mem1.db");
        }
      }
    }
  }

  private void memoryRound(int at, Path src, String archiveName, String target) throws Exception {
    Path archive = work.resolve(archiveName);
    Files.deleteIfExists(archive);
    record(
        "-Xmx256m export, scale " + at,
        time(
            "mem",
            porter("-Xmx256m", "export", "--db", src.toString(), "--output", archive.toString())));
    record(
        "-Xmx256m import, scale " + at,
        time(
            "mem",
            porter("-Xmx256m", "import", archive.toString(), "--db", fresh(target).toString())));
  }

  private void report() {
    out.println();
    out.println("Results (median of the runs; peak RSS: the median and the largest seen):");
    Map<String, double[]> med = new LinkedHashMap<>();
    for (Map.Entry<String, List<Measure.Sample>> e : samples.entrySet()) {
      double[] m = {
        median(e.getValue().stream().mapToDouble(Measure.Sample::wallSeconds).toArray()),
        median(e.getValue().stream().mapToDouble(Measure.Sample::cpuSeconds).toArray()),
        e.getValue().stream().mapToLong(Measure.Sample::peakRssBytes).max().orElse(0) / 1e6
      };
      med.put(e.getKey(), m);
      out.printf(
          Locale.ROOT,
          "  %-46s %8.2f s wall %8.2f s cpu %8.0f MB peak RSS (largest %.0f)  (n=%d)%n",
          e.getKey(),
          m[0],
          m[1],
          medianPeak(e.getValue()) / 1e6,
          m[2],
          e.getValue().size());
    }
    for (Map.Entry<String, Long> s : sizes.entrySet()) {
      out.printf(Locale.ROOT, "  %-46s %8.1f MB%n", s.getKey(), s.getValue() / 1e6);
    }
    List<String> rebuilt =
        samples.entrySet().stream()
            .filter(e -> e.getValue().stream().anyMatch(Measure.Sample::rebuilt))
            .map(Map.Entry::getKey)
            .toList();
    if (!rebuilt.isEmpty()) {
      out.println(
          "  warning: porter's jar was built inside a timed run of "
              + String.join(", ", rebuilt)
              + " (a source changed while the benchmark ran): those runs include the build, and"
              + " the peak RSS above may be the build's; run the benchmark again without editing");
    }
    out.println();
    out.println("Ratios porter/anchor (wall time), against the targets:");
    ratio(med, "porter export + import (PostgreSQL)", "pg_dump -Fd -j 2 + pg_restore -j 2", 1.0);
    ratio(med, "porter export + import (PostgreSQL)", "pg_dump -Fc + pg_restore", 0.7);
    ratio(med, "porter export + import", "sqlite3 ATTACH + INSERT SELECT", 3.0);
    ratio(med, "porter export + import", "sqlite3 .dump | sqlite3", 0.7);
    ratio(med, CHECKED_COPY, "sqlite3 ATTACH + INSERT SELECT");
    ratio(med, "porter export + import", CHECKED_COPY);
    ratio(
        med,
        "porter import, 3-step chain (release 1 → 4)",
        "porter import, no-op chain (release 1 → 1)",
        1.2);
    if (sizes.containsKey("porter archive (PostgreSQL source)")
        && sizes.containsKey("pg_dump -Fc file")) {
      double r =
          (double) sizes.get("porter archive (PostgreSQL source)") / sizes.get("pg_dump -Fc file");
      out.printf(
          Locale.ROOT,
          "  %-70s %5.2f (target ≤ 1.00) %s%n",
          "archive size / pg_dump -Fc size",
          r,
          r <= 1.0 ? "MET" : "MISSED");
    }
    memoryTargets(samples, scale, memoryScale).forEach(out::println);
    out.println();
    out.println("Files: " + work + " (log of every command: " + log + ")");
  }

  /**
   * The memory targets' lines. A scale's peak is the larger of its export's and its import's. The
   * bound of 512 MB holds the largest peak seen at the memory scale, since that is what a machine
   * must have. The growth compares the scales' median peaks: it is about how memory follows the
   * data, which one unlucky run does not tell; the growth between the largest peaks is printed
   * beside it.
   */
  static List<String> memoryTargets(
      Map<String, List<Measure.Sample>> samples, int scale, int memoryScale) {
    List<String> lines = new ArrayList<>();
    List<List<Measure.Sample>> large = scaleSamples(samples, memoryScale);
    if (large.isEmpty()) {
      return lines;
    }
    double largest = largestPeak(large) / 1e6;
    lines.add(
        String.format(
            Locale.ROOT,
            "  %-70s %5.0f MB (target ≤ 512) %s",
            "peak RSS at scale " + memoryScale + " (the largest seen)",
            largest,
            largest <= 512 ? "MET" : "MISSED"));
    List<List<Measure.Sample>> small = scaleSamples(samples, scale);
    if (memoryScale != scale && !small.isEmpty()) {
      double growth = scalePeak(large) / scalePeak(small) - 1;
      double worst = largestPeak(large) / largestPeak(small) - 1;
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-70s %+5.0f %% (target ≤ +20 %%) %s",
              "peak RSS growth, scale " + scale + " → " + memoryScale + " (medians)",
              growth * 100,
              growth <= 0.2 ? "MET" : "MISSED"));
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-70s %+5.0f %%",
              "peak RSS growth between the largest peaks seen",
              worst * 100));
    }
    return lines;
  }

  /** The export's and the import's samples with a 256 MB heap at scale {@code at}, if any. */
  private static List<List<Measure.Sample>> scaleSamples(
      Map<String, List<Measure.Sample>> samples, int at) {
    return Stream.of("-Xmx256m export, scale " + at, "-Xmx256m import, scale " + at)
        .filter(samples::containsKey)
        .map(samples::get)
        .toList();
  }

  private static double scalePeak(List<List<Measure.Sample>> workloads) {
    return workloads.stream().mapToDouble(Bench::medianPeak).max().orElse(0);
  }

  private static double largestPeak(List<List<Measure.Sample>> workloads) {
    return workloads.stream()
        .flatMap(List::stream)
        .mapToDouble(Measure.Sample::peakRssBytes)
        .max()
        .orElse(0);
  }

  static double medianPeak(List<Measure.Sample> runs) {
    return median(runs.stream().mapToDouble(Measure.Sample::peakRssBytes).toArray());
  }

  /**
   * Not one of the anchors: the same ATTACH copy made to do what a checked restore must,
   * inside SQLite alone. {@code WHERE 1} turns off the transfer optimisation, so every record is
   * decoded and encoded again, as it must be when the rows come from anywhere but an identical
   * table; the indexes are built after the rows; then {@code integrity_check} and {@code
   * foreign_key_check}, which porter runs on every import. It shows how much of porter's time
   * against the plain copy is the checks' and the inserts' own.
   */
  static final String CHECKED_COPY = "sqlite3 ATTACH, no transfer, then checked";

  private List<String> checkedCopy(String sqlite3, Path src) throws IOException {
    Path dst = fresh("checked.db");
    Path tables = work.resolve("checked-tables.sql");
    Path indexes = work.resolve("checked-indexes.sql");
    StringBuilder sql =
        new StringBuilder(".read '" + tables + "'\nATTACH '" + src + "' AS s;\nBEGIN;\n");
    copyEveryTable(sql, " WHERE 1");
    sql.append(".read '").append(indexes).append("'\nCOMMIT;\n");
    sql.append("PRAGMA integrity_check;\nPRAGMA foreign_key_check;\n");
    Path script = work.resolve("checked.sql");
    Files.writeString(script, sql.toString());
    // one .schema, split into the tables and the (single-line) index statements
    return List.of(
        "bash",
        "-c",
        "s=$("
            + sqlite3
            + " '"
            + src
            + "' .schema) && printf '%s\\n' \"$s\" | grep -v '^INSERT' | grep -v '^CREATE INDEX' > '"
            + tables
            + "' && { printf '%s\\n' \"$s\" | grep '^CREATE INDEX' > '"
            + indexes
            + "' || true; } && "
            + sqlite3
            + " '"
            + dst
            + "' < '"
            + script
            + "'");
  }

  /** {@code INSERT INTO main.t SELECT * FROM s.t<where>;} for every table of the generated app. */
  private static void copyEveryTable(StringBuilder sql, String where) {
    List<String> tables = new ArrayList<>(List.of("app_meta"));
    tables.addAll(Arrays.asList(DataGen.TABLES));
    for (String t : tables) {
      sql.append("INSERT INTO main.")
          .append(t)
          .append(" SELECT * FROM s.")
          .append(t)
          .append(where)
          .append(";\n");
    }
  }

  /** A ratio printed for information, with no target. */
  private void ratio(Map<String, double[]> med, String porter, String anchor) {
    ratio(med, porter, anchor, Double.NaN);
  }

  /** A ratio against its target; a NaN target prints the ratio alone. */
  private void ratio(Map<String, double[]> med, String porter, String anchor, double target) {
    if (!med.containsKey(porter) || !med.containsKey(anchor)) {
      return;
    }
    double r = med.get(porter)[0] / med.get(anchor)[0];
    String verdict =
        Double.isNaN(target)
            ? "(no target)"
            : String.format(
                Locale.ROOT, "(target ≤ %.2f) %s", target, r <= target ? "MET" : "MISSED");
    out.printf(
        Locale.ROOT,
        "  %-70s %5.2f %s%s%s%n",
        porter + " / " + anchor,
        r,
        verdict,
        runByRun(samples.get(porter), samples.get(anchor)),
        Double.isNaN(target) ? "" : resampled(samples.get(porter), samples.get(anchor), target));
  }

  /**
   * The ratio of each run's own two times, for information beside the verdict, which is the ratio
   * of the medians: a run's porter and anchor are timed seconds apart, so a phase of the machine
   * that lasts minutes slows both of a run alike but may fall on the medians unevenly. Empty unless
   * both have the same runs, at least two.
   */
  static String runByRun(List<Measure.Sample> porter, List<Measure.Sample> anchor) {
    if (!paired(porter, anchor)) {
      return "";
    }
    double[] r = new double[porter.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = porter.get(i).wallSeconds() / anchor.get(i).wallSeconds();
    }
    Arrays.sort(r);
    return String.format(
        Locale.ROOT, "; run by run %.2f (%.2f–%.2f)", median(r), r[0], r[r.length - 1]);
  }

  /** Whether porter and its anchor have the same runs, at least two, to pair run by run. */
  private static boolean paired(List<Measure.Sample> porter, List<Measure.Sample> anchor) {
    return porter != null && anchor != null && porter.size() == anchor.size() && porter.size() >= 2;
  }

  /** How many times {@link #resampled} draws the runs again. */
  static final int RESAMPLES = 2000;

  /**
   * How firmly a run carries its verdict, printed for information beside it: the runs drawn again
   * with replacement, {@link #RESAMPLES} times with a fixed seed, each run's porter and anchor
   * times kept together, and the ratio of the medians taken each time; then the share of those
   * draws that meet the target (rounded down, so 100 % means every one) and the range of the middle
   * 90 % of them. It shows how much the verdict rests on a few runs; a phase of the machine longer
   * than the whole part is in every draw and does not show. Empty unless both have the same runs,
   * at least two.
   */
  static String resampled(List<Measure.Sample> porter, List<Measure.Sample> anchor, double target) {
    if (!paired(porter, anchor)) {
      return "";
    }
    int n = porter.size();
    Random random = new Random(20261206L);
    double[] p = new double[n];
    double[] a = new double[n];
    double[] ratios = new double[RESAMPLES];
    int met = 0;
    for (int k = 0; k < RESAMPLES; k++) {
      for (int i = 0; i < n; i++) {
        int run = random.nextInt(n);
        p[i] = porter.get(run).wallSeconds();
        a[i] = anchor.get(run).wallSeconds();
      }
      ratios[k] = median(p) / median(a);
      if (ratios[k] <= target) {
        met++;
      }
    }
    Arrays.sort(ratios);
    return String.format(
        Locale.ROOT,
        "; resampled runs: met in %d %%, 90 %% within %.2f–%.2f",
        met * 100 / RESAMPLES,
        ratios[RESAMPLES / 20],
        ratios[RESAMPLES - 1 - RESAMPLES / 20]);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0
        ? 0
        : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /**
   * The order of run {@code run}'s tools: rotated by one each run, so that over as many runs as
   * there are tools each runs once in every place, and reversed in every other such cycle, so that
   * each also follows each of the others. (Reversing every other run instead, as before, left two
   * tools in the same order in every run, and of four tools only two ever ran first.)
   */
  static <T> List<T> rotate(List<T> items, int run) {
    List<T> out = new ArrayList<>(items);
    java.util.Collections.rotate(out, -(run % items.size()));
    if (run / items.size() % 2 == 1) {
      java.util.Collections.reverse(out);
    }
    return out;
  }

  private Path fresh(String name) throws IOException {
    Path p = work.resolve(name);
    for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(p + suffix));
    }
    return p;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private static long treeSize(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(x -> x.toFile().length()).sum();
    }
  }

  private static String which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static String version(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\n")[0];
      }
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "?";
  }
}
