package dev.porter.core.engine;

import dev.porter.core.PorterException;
import dev.porter.core.PorterVersion;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.archive.TableWriter;
import dev.porter.core.archive.ValueWriter;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.Source;
import dev.porter.core.model.AppInfo;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.PostgresSchema;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableKind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports every table of a database into an archive: the schema first, then each table's rows,
 * streamed from one read snapshot, then the trailer with counts and checksums.
 */
public final class ExportJob {
  private static final int PROGRESS_EVERY = 10_000;

  private final Dialect dialect;
  private final DatabaseRef database;
  private final AppInfo app;
  private final Clock clock;
  private final Progress progress;
  private AppDefinition appDefinition;

  public ExportJob(
      Dialect dialect, DatabaseRef database, AppInfo app, Clock clock, Progress progress) {
    this.dialect = dialect;
    this.database = database;
    this.app = app;
    this.clock = clock;
    this.progress = progress;
  }

  /**
   * Records the app and the schema version the database is at, read with the app's probe inside the
   * export's snapshot.
   */
  public ExportJob forApp(AppDefinition definition) {
    this.appDefinition = definition;
    return this;
  }

  private boolean withoutLargeObjects;

  /**
   * Leaves a PostgreSQL source's large objects out of the archive, which then names them as not
   * carried. An upgrade asks for this: they live outside every schema it replaces, and stay where
   * they are.
   */
  public ExportJob withoutLargeObjects() {
    this.withoutLargeObjects = true;
    return this;
  }

  /** Tables read at once when the engine can share its snapshot between connections. */
  private static final int PARALLEL = 2;

  /** Reads one table into its archive member. */
  private void copyTable(Source source, TableEntry entry, ArchiveWriter writer) {
    progress.tableStarted(entry.table().name(), -1);
    long rows = 0;
    try (RowCursor cursor = source.rows(entry.table())) {
      // Not try-with-resources: a table that failed must not be closed into the archive;
      // closing the archive writer discards it.
      TableWriter out = writer.openTable(entry);
      ValueWriter values = cursor.writesValues() ? out.values() : null;
      while (values != null ? cursor.nextInto(values) : copyRow(cursor, out)) {
        if (++rows % PROGRESS_EVERY == 0) {
          progress.rows(PROGRESS_EVERY);
        }
      }
      out.finish();
    }
    progress.rows(rows % PROGRESS_EVERY);
    progress.tableFinished(entry.table().name(), rows);
  }

  /** Copies the cursor's next row to {@code out} as objects; false at the end. */
  private static boolean copyRow(RowCursor cursor, TableWriter out) {
    Object[] row = cursor.next();
    if (row == null) {
      return false;
    }
    out.write(row);
    return true;
  }

  /**
   * Each source (one connection each, all in the same snapshot) takes the next table in archive
   * order until none is left; the archive writer appends members in order whatever order they
   * finish in. The first failure stops the others.
   */
  private void copyInParallel(List<Source> sources, List<TableEntry> tables, ArchiveWriter writer) {
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Progress shared = synchronizedProgress(progress);
    List<Thread> threads = new ArrayList<>();
    for (Source s : sources) {
      Thread t =
          new Thread(
              () -> {
                try {
                  int i;
                  while (failure.get() == null && (i = next.getAndIncrement()) < tables.size()) {
                    new ExportJob(dialect, database, app, clock, shared)
                        .copyTable(s, tables.get(i), writer);
                  }
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, e);
                }
              },
              "porter-export-" + threads.size());
      threads.add(t);
      t.start();
    }
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PorterException(dev.porter.core.ErrorCategory.INTERNAL, "interrupted", e);
    } finally {
      for (int k = 1; k < sources.size(); k++) {
        sources.get(k).close();
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static Progress synchronizedProgress(Progress p) {
    return new Progress() {
      @Override
      public synchronized void tableStarted(String table, long expectedRows) {
        p.tableStarted(table, expectedRows);
      }

      @Override
      public synchronized void rows(long rows) {
        p.rows(rows);
      }

      @Override
      public synchronized void tableFinished(String table, long rows) {
        p.tableFinished(table, rows);
      }

      @Override
      public synchronized void phase(String name) {
        p.phase(name);
      }
    };
  }

  /** The schema without its large objects, which it then names as not carried. */
  private static SourceSchema withoutLargeObjects(SourceSchema schema) {
    PostgresSchema pg = schema.postgresql();
    if (pg == null || pg.largeObjects() == 0) {
      return schema;
    }
    List<TableDef> tables = new ArrayList<>();
    for (TableDef t : schema.tables()) {
      if (t.kind() != TableKind.LARGE_OBJECTS) {
        tables.add(t);
      }
    }
    List<String> notCarried = new ArrayList<>(pg.notCarried());
    notCarried.add(
        pg.largeObjects()
            + (pg.largeObjects() == 1 ? " large object" : " large objects")
            + " (pg_largeobject), left out of the archive");
    return new SourceSchema(
        schema.source(), tables, schema.sqlite(), pg.withNotCarried(notCarried));
  }

  public ExportResult run(ArchiveWriter writer) {
    long start = System.nanoTime();
    try (Source source = dialect.openSource(database)) {
      SourceSchema schema = source.schema();
      if (withoutLargeObjects) {
        schema = withoutLargeObjects(schema);
      }
      AppInfo appInfo = app;
      if (appDefinition != null) {
        VersionProbe probe = appDefinition.probe(dialect.engine());
        String version = source.readVersion(probe);
        if (version == null) {
          throw PorterException.refused(
              "cannot tell which release of app "
                  + appDefinition.id()
                  + " "
                  + database.display()
                  + " is at: "
                  + probe
                  + " finds no version");
        }
        appInfo = new AppInfo(appDefinition.id(), version);
      }
      List<TableEntry> entries = new ArrayList<>();
      int ordinal = 0;
      int formatVersion = ArchiveHeader.CURRENT_FORMAT_VERSION;
      for (TableDef t : schema.tables()) {
        entries.add(new TableEntry(++ordinal, null, t));
        if (t.kind() == TableKind.LARGE_OBJECTS) {
          formatVersion = ArchiveHeader.LARGE_OBJECTS_FORMAT_VERSION;
        }
      }
      ArchiveHeader header =
          writer.begin(
              new ArchiveHeader(
                  ArchiveHeader.FORMAT_NAME,
                  formatVersion,
                  PorterVersion.current(),
                  Instant.now(clock).toString(),
                  appInfo,
                  schema.source(),
                  entries,
                  schema.sqlite(),
                  schema.postgresql()));
      List<TableEntry> data = new ArrayList<>();
      for (TableEntry entry : header.tables()) {
        if (entry.member() != null) {
          data.add(entry);
        }
      }
      int workers =
          Math.min(Math.min(PARALLEL, data.size()), Runtime.getRuntime().availableProcessors());
      Source second = workers > 1 ? source.fork() : null;
      if (second == null) {
        for (TableEntry entry : data) {
          copyTable(source, entry, writer);
        }
      } else {
        copyInParallel(List.of(source, second), data, writer);
      }
      ArchiveTrailer trailer = writer.finish();
      return new ExportResult(header, trailer, System.nanoTime() - start);
    }
  }
}
