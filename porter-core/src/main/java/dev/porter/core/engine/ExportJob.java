package dev.porter.core.engine;

import dev.porter.core.PorterException;
import dev.porter.core.PorterVersion;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.VersionProbe;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.archive.TableWriter;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.RowCursor;
import dev.porter.core.dialect.Source;
import dev.porter.core.model.AppInfo;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.SourceSchema;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
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

  public ExportResult run(ArchiveWriter writer) {
    long start = System.nanoTime();
    try (Source source = dialect.openSource(database)) {
      SourceSchema schema = source.schema();
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
      for (TableDef t : schema.tables()) {
        entries.add(new TableEntry(++ordinal, null, t));
      }
      ArchiveHeader header =
          writer.begin(
              new ArchiveHeader(
                  ArchiveHeader.FORMAT_NAME,
                  ArchiveHeader.CURRENT_FORMAT_VERSION,
                  PorterVersion.current(),
                  Instant.now(clock).toString(),
                  appInfo,
                  schema.source(),
                  entries,
                  schema.sqlite(),
                  schema.postgresql()));
      for (TableEntry entry : header.tables()) {
        if (entry.member() == null) {
          continue;
        }
        progress.tableStarted(entry.table().name(), -1);
        long rows = 0;
        try (RowCursor cursor = source.rows(entry.table())) {
          // Not try-with-resources: a table that failed must not be closed into the archive;
          // closing the archive writer discards it.
          TableWriter out = writer.openTable(entry);
          Object[] row;
          while ((row = cursor.next()) != null) {
            out.write(row);
            if (++rows % PROGRESS_EVERY == 0) {
              progress.rows(PROGRESS_EVERY);
            }
          }
          out.finish();
        }
        progress.rows(rows % PROGRESS_EVERY);
        progress.tableFinished(entry.table().name(), rows);
      }
      ArchiveTrailer trailer = writer.finish();
      return new ExportResult(header, trailer, System.nanoTime() - start);
    }
  }
}
