package dev.porter.core.engine;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SchemaVersion;
import dev.porter.core.app.SeedPolicy;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.archive.TableReader;
import dev.porter.core.dialect.Baseline;
import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.LoadMode;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.Target;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableKind;
import dev.porter.core.model.TableSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports an archive. A plain restore rebuilds the archived schema; an app import builds the target
 * release's baseline and carries the rows through the app's transform chain, planned whole before
 * any row moves. Either way the rows go into a staging database that is checked (every archive
 * checksum, row counts, integrity, foreign keys, the schema version) before it is swapped in; any
 * failure before the swap leaves the target exactly as it was.
 */
public final class ImportJob {
  static final int PROGRESS_EVERY = 10_000;

  private final Dialect dialect;
  private final DatabaseRef database;
  private final ImportOptions options;
  private final Progress progress;

  public ImportJob(
      Dialect dialect, DatabaseRef database, ImportOptions options, Progress progress) {
    this.dialect = dialect;
    this.database = database;
    this.options = options;
    this.progress = progress;
  }

  /** Takes the lock on the target, imports, and releases it. */
  public ImportReport run(ArchiveReader reader) {
    if (options.app() != null) {
      // Refuse before touching anything: the plan runs on a scratch database.
      chainPlan(
              reader.header(),
              null,
              dialect.inspectBaseline(database, ddl(), options.target().mode()))
          .requireRunnable();
    }
    DbLock lock = dialect.lock(database);
    try (Target target = dialect.openTarget(database, options.target())) {
      return runInto(target, reader);
    } finally {
      lock.close();
    }
  }

  /**
   * The plan of an app import of an archive with this header: computed on a scratch database, so it
   * writes nothing. {@code trailer} (may be null) supplies row counts.
   */
  public ImportPlan plan(ArchiveHeader header, ArchiveTrailer trailer) {
    return chainPlan(
            header, trailer, dialect.inspectBaseline(database, ddl(), options.target().mode()))
        .view();
  }

  private String ddl() {
    return options.app().ddl(to(), dialect.engine());
  }

  private SchemaVersion to() {
    AppDefinition app = options.app();
    return options.to() != null ? options.to() : app.newest().version();
  }

  private ChainPlan chainPlan(ArchiveHeader header, ArchiveTrailer trailer, Baseline baseline) {
    AppDefinition app = options.app();
    SchemaVersion from = options.from();
    if (header.app() != null && !app.id().equals(header.app().id())) {
      throw PorterException.refused(
          "the archive belongs to app " + header.app().id() + ", not " + app.id());
    }
    if (from == null) {
      if (header.app() == null || header.app().schemaVersion() == null) {
        throw PorterException.refused(
            "the archive records no app schema version; pass --from VERSION to say which release it is");
      }
      from = SchemaVersion.of(header.app().schemaVersion());
    }
    return ChainPlan.build(
        header, trailer, app, from, to(), dialect, baseline, options.seedPolicies());
  }

  /** Imports into an open target (whose lock the caller holds) and commits it. */
  public ImportReport runInto(Target target, ArchiveReader reader) {
    return options.app() == null ? restore(target, reader) : appImport(target, reader);
  }

  /**
   * {@code n + rows}, reporting to {@code progress} each whole {@link #PROGRESS_EVERY} rows that
   * the batch of {@code rows} completes.
   */
  static long counted(Progress progress, long n, long rows) {
    long after = n + rows;
    long crossed = after / PROGRESS_EVERY - n / PROGRESS_EVERY;
    if (crossed > 0) {
      progress.rows(crossed * PROGRESS_EVERY);
    }
    return after;
  }

  /**
   * Streams one table's rows into its sink, prepared on the reader's decoding thread where the sink
   * offers a preparer (ADR 0033). A method of its own, so that the JIT compiles this small loop and
   * not the whole of {@link #restore} (whose on-stack replacement cost 0.18 s of C2 time per
   * import). An app import's tables that no step changes come here too ({@link ChainRun}). No step
   * sees these rows, so the reader is asked for the forms of values the sink takes (ASCII text as
   * bytes, ADR 0031; decimals as text, ADR 0041).
   */
  static long pump(TableReader in, RowSink sink, boolean skipRowid, Progress progress) {
    if (sink.takesUtf8Text()) {
      in.asciiTextAsBytes();
    }
    if (sink.takesDecimalText()) {
      in.decimalsAsText();
    }
    RowPreparer preparer = skipRowid ? null : sink.preparer();
    if (preparer != null && in.prepareWith(preparer)) {
      long n = 0;
      RowPreparer.Batch b;
      while ((b = in.nextBatch()) != null) {
        int rows = b.rows(); // before the sink takes the batch, which it may empty for its next use
        sink.accept(b);
        n = counted(progress, n, rows);
      }
      return n;
    }
    Object[] row;
    long n = 0;
    while ((row = in.next()) != null) {
      sink.accept(skipRowid ? Arrays.copyOfRange(row, 1, row.length) : row);
      if (++n % PROGRESS_EVERY == 0) {
        progress.rows(PROGRESS_EVERY);
      }
    }
    return n;
  }

  private ImportReport restore(Target target, ArchiveReader reader) {
    long start = System.nanoTime();
    ArchiveHeader header = reader.header();
    // When applying the archive's content fails, the archive itself may be what is wrong: read
    // the rest of it first and report corruption if that is what it finds.
    List<ImportReport.SourceReport> sources = new ArrayList<>();
    List<ImportReport.TableReport> tables = new ArrayList<>();
    Map<String, Long> expected = new LinkedHashMap<>();
    Map<String, Long> seeded = Map.of();
    try {
      // another engine's archive: a schema derived from its tables
      seeded = target.createSchema(header);
      for (Map.Entry<String, Long> e : seeded.entrySet()) {
        if (e.getValue() > 0 && !options.seedPolicies().containsKey(e.getKey())) {
          throw PorterException.refused(
              "table "
                  + e.getKey()
                  + " of "
                  + database.display()
                  + " already holds "
                  + e.getValue()
                  + " rows: name a policy for them with --seed "
                  + e.getKey()
                  + "=skip|merge|replace, or import into an empty database");
        }
      }
      TableReader in;
      boolean sameEngine =
          header.source() != null && dialect.engine().equals(header.source().engine());
      while ((in = reader.nextTable()) != null) {
        TableDef table = in.entry().table();
        String name = table.name();
        progress.tableStarted(name, -1);
        if (!sameEngine
            && (table.kind() != TableKind.TABLE
                || name.toLowerCase(Locale.ROOT).startsWith("sqlite_"))) {
          long n = 0;
          while (in.next() != null) {
            n++;
          }
          sources.add(
              new ImportReport.SourceReport(
                  name,
                  n,
                  List.of(),
                  "not migrated to "
                      + dialect.engine()
                      + ": "
                      + (table.kind() == TableKind.TABLE
                          ? "an internal table"
                          : table.kind() == TableKind.LARGE_OBJECTS
                              ? "the large objects"
                              : "a " + table.kind() + " table")
                      + " of "
                      + header.source().engine()));
          continue;
        }
        boolean skipRowid = !sameEngine && table.rowidColumn() != null;
        List<String> columns = new ArrayList<>();
        for (ColumnDef c : table.dataColumns()) {
          columns.add(c.name());
        }
        if (skipRowid) {
          columns.remove(0); // SQLite's implicit rowid has no place in another engine
        }
        long already = seeded.getOrDefault(name, 0L);
        SeedPolicy policy = already > 0 ? options.seedPolicies().get(name) : null;
        if (policy == SeedPolicy.SKIP) {
          long n = 0;
          while (in.next() != null) {
            n++;
          }
          expected.put(name, already);
          sources.add(new ImportReport.SourceReport(name, n, List.of(name), null));
          tables.add(
              new ImportReport.TableReport(
                  name, "skip", n, 0, n, already, Map.of(), List.of(), Map.of()));
          continue;
        }
        LoadMode mode =
            policy == SeedPolicy.MERGE
                ? LoadMode.MERGE
                : policy == SeedPolicy.REPLACE ? LoadMode.REPLACE : LoadMode.INSERT;
        RowSink sink = target.loader(table, columns, mode);
        long n = pump(in, sink, skipRowid, progress);
        long written = sink.finish();
        progress.rows(n % PROGRESS_EVERY);
        progress.tableFinished(name, written);
        expected.put(name, (policy == SeedPolicy.MERGE ? already : 0) + written);
        sources.add(new ImportReport.SourceReport(name, n, List.of(name), null));
        tables.add(
            new ImportReport.TableReport(
                name,
                policy == null ? null : policy.toString(),
                n,
                written,
                policy == SeedPolicy.MERGE ? n - written : 0,
                already,
                Map.of(),
                List.of(),
                sink.coercions()));
      }
    } catch (RuntimeException e) {
      throw corruptionFirst(reader, e);
    }
    progress.phase("verifying the archive");
    ArchiveTrailer trailer = reader.trailer();
    // indexes, constraints and triggers after the rows; a SQLite target starts checking the
    // tables whose indexes are in meanwhile
    progress.phase("building indexes");
    target.finishLoad(header);
    progress.phase("checking");
    for (TableSummary s : trailer.tables()) {
      if (!seeded.containsKey(s.name()) || seeded.get(s.name()) == 0) {
        expected.computeIfPresent(s.name(), (k, v) -> s.rows()); // the trailer's count is the truth
      }
    }
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check(
            "archive checksums", true, trailer.tables().size() + " members match the trailer"));
    checks.addAll(target.verify(expected));
    progress.phase("swapping");
    CommitResult commit = target.commit();
    checks.addAll(commit.checks());
    return new ImportReport(
        header.app() == null ? null : header.app().id(),
        header.app() == null ? null : header.app().schemaVersion(),
        header.app() == null ? null : header.app().schemaVersion(),
        commit.target(),
        commit.preImage(),
        sources,
        tables,
        List.of(),
        checks,
        (System.nanoTime() - start) / 1_000_000);
  }

  private ImportReport appImport(Target target, ArchiveReader reader) {
    long start = System.nanoTime();
    ArchiveHeader header = reader.header();
    Baseline baseline;
    try {
      baseline = target.createBaseline(ddl());
    } catch (RuntimeException e) {
      throw corruptionFirst(reader, e);
    }
    ChainPlan plan = chainPlan(header, null, baseline);
    plan.requireRunnable();
    try (ChainRun run = new ChainRun(plan, target, options, progress)) {
      try {
        run.openLoaders();
        run.process(reader);
      } catch (RuntimeException e) {
        throw corruptionFirst(reader, e);
      }
      progress.phase("verifying the archive");
      ArchiveTrailer trailer = reader.trailer();
      Map<String, Long> expected = run.finishLoaders();
      for (TableSummary s : trailer.tables()) {
        if (s.name().equals(plan.largeObjects) && expected.containsKey(s.name())) {
          expected.put(s.name(), s.rows()); // the trailer's count is the truth
        }
      }
      AppDefinition app = options.app();
      VersionProbe probe = app.probe(dialect.engine());
      progress.phase("building indexes"); // the release's after-load DDL
      target.finishBaseline(
          app.release(plan.to).afterLoad().get(dialect.engine()),
          run.sequenceFloors(header),
          probe,
          plan.to.toString());
      progress.phase("checking");
      List<Check> checks = new ArrayList<>();
      checks.add(
          new Check(
              "archive checksums", true, trailer.tables().size() + " members match the trailer"));
      String recorded = target.readVersion(probe);
      if (recorded == null || !SchemaVersion.of(recorded).equals(plan.to)) {
        throw new PorterException(
            ErrorCategory.VERIFICATION_FAILED,
            "after the import the database reports schema version "
                + recorded
                + " ("
                + probe
                + "), not "
                + plan.to
                + ": release "
                + plan.to
                + "'s DDL must record its version; the target was not changed");
      }
      checks.add(new Check("schema version", true, probe + " = " + recorded));
      checks.addAll(target.verify(expected));
      progress.phase("swapping");
      CommitResult commit = target.commit();
      checks.addAll(commit.checks());
      return new ImportReport(
          app.id(),
          plan.from.toString(),
          plan.to.toString(),
          commit.target(),
          commit.preImage(),
          run.sourceReports(),
          run.tableReports(),
          run.stepReports(),
          checks,
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  /**
   * The failure to report when applying the archive's content failed: if the rest of the archive
   * turns out corrupt, that is the real cause (a flipped byte in a CREATE TABLE fails as SQL before
   * any checksum is compared).
   */
  private static RuntimeException corruptionFirst(ArchiveReader reader, RuntimeException failure) {
    if (failure instanceof PorterException pe && pe.category() == ErrorCategory.CORRUPT_ARCHIVE) {
      return failure;
    }
    try {
      reader.trailer();
    } catch (PorterException pe) {
      if (pe.category() == ErrorCategory.CORRUPT_ARCHIVE) {
        pe.addSuppressed(failure);
        return pe;
      }
      failure.addSuppressed(pe);
    } catch (RuntimeException other) {
      failure.addSuppressed(other);
    }
    return failure;
  }
}
