package dev.porter.core.engine;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SchemaVersion;
import dev.porter.core.archive.ArchiveCodec;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.DbLock;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.Source;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Upgrades a database in place to a newer release of its app: under porter's lock and the
 * database's own write lock, writes a timestamped backup archive beside it, imports that archive
 * into a staging database at the target release, checks it, and swaps it in; the previous database
 * stays beside it as {@code NAME.pre-upgrade.TIMESTAMP} for {@code rollback}.
 */
public final class UpgradeJob {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Dialect dialect;
  private final DatabaseRef database;
  private final ImportOptions options;
  private final ArchiveCodec codec;
  private final Progress progress;
  private final Path backupDir;

  /**
   * @param options the app, the target release (null: newest), seed policies; its target options'
   *     clock names the backup and the pre-image
   */
  public UpgradeJob(
      Dialect dialect,
      DatabaseRef database,
      ImportOptions options,
      ArchiveCodec codec,
      Progress progress) {
    this(dialect, database, options, codec, progress, null);
  }

  /**
   * @param backupDir where the backup archive goes; null: beside a database file, or the current
   *     directory for a database that is not a file (PostgreSQL)
   */
  public UpgradeJob(
      Dialect dialect,
      DatabaseRef database,
      ImportOptions options,
      ArchiveCodec codec,
      Progress progress,
      Path backupDir) {
    this.dialect = dialect;
    this.database = database;
    this.options = options;
    this.codec = codec;
    this.progress = progress;
    this.backupDir = backupDir;
  }

  /**
   * What an upgrade did.
   *
   * @param fromVersion the release the database was at
   * @param toVersion the release it is at now
   * @param upgraded false when it already was at the target release
   * @param backup the backup archive written before the upgrade, or null
   * @param report the import's report, or null when nothing was done
   */
  public record Result(
      String fromVersion, String toVersion, boolean upgraded, String backup, ImportReport report) {}

  /** The release the database is at, read with the app's probe. */
  public static String currentVersion(Dialect dialect, DatabaseRef database, AppDefinition app) {
    try (Source s = dialect.openSource(database)) {
      return s.readVersion(app.probe(dialect.engine()));
    }
  }

  public Result run() {
    if (backupDir != null && !java.nio.file.Files.isDirectory(backupDir)) {
      throw PorterException.usage(
          "backup directory " + backupDir + " does not exist or is not a directory");
    }
    AppDefinition app = options.app();
    SchemaVersion to = options.to() != null ? options.to() : app.newest().version();
    app.release(to);
    Instant now = Instant.now(options.target().clock());
    Clock fixed = Clock.fixed(now, ZoneOffset.UTC);
    TargetOptions targetOptions =
        new TargetOptions(
                ImportMode.REPLACE,
                options.target().acceptForeignKeyViolations(),
                fixed,
                "pre-upgrade")
            .withWritersHeld(); // by dialect.holdWriters below
    DbLock lock = dialect.lock(database);
    try {
      String current = currentVersion(dialect, database, app);
      if (current == null) {
        throw PorterException.refused(
            "cannot tell which release of app "
                + app.id()
                + " "
                + database.display()
                + " is at: "
                + app.probe(dialect.engine())
                + " finds no version");
      }
      SchemaVersion from = SchemaVersion.of(current);
      if (from.equals(to)) {
        return new Result(current, current, false, null, null);
      }
      app.chain(from, to); // refuses a missing step or a newer database before anything is written
      // Nothing the application commits may fall between the backup and the swap: its writers
      // wait until the target is closed (SQLite's target holds them off itself).
      DbLock writers = dialect.holdWriters(database);
      try (Target target = dialect.openTarget(database, targetOptions)) {
        Path backup = backupPath(now);
        progress.phase("backing up to " + backup.getFileName());
        try (ArchiveWriter w = codec.write(backup, options.tempDir(), false)) {
          new ExportJob(dialect, database, null, fixed, progress)
              .forApp(app)
              .withoutLargeObjects()
              .run(w);
        }
        ImportOptions io = options.withTarget(targetOptions).withFrom(null);
        ImportReport report;
        try (ArchiveReader r = codec.read(backup)) {
          report = new ImportJob(dialect, database, io, progress).runInto(target, r);
        } catch (PorterException e) {
          if (e.category() == ErrorCategory.REFUSED
              || e.category() == ErrorCategory.VERIFICATION_FAILED) {
            // Refused or failed before the swap: the database is as it was, so the backup is only
            // a stale copy of it, and a refusal must leave nothing behind.
            deleteQuietly(backup);
          }
          throw e;
        }
        return new Result(current, to.toString(), true, backup.toString(), report);
      } finally {
        writers.close();
      }
    } finally {
      lock.close();
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      java.nio.file.Files.deleteIfExists(file);
    } catch (java.io.IOException e) {
      // cleanup removes it later
    }
  }

  /**
   * {@code NAME.pre-upgrade.STAMP.porter} in the backup directory (by default beside the database);
   * {@code STAMP-2}, {@code STAMP-3}… when an earlier upgrade in the same second left its backup
   * there.
   */
  private Path backupPath(Instant now) {
    Path file = database.file();
    Path dir =
        backupDir != null
            ? backupDir.toAbsolutePath()
            : file == null
                ? Path.of(System.getProperty("user.dir"))
                : file.toAbsolutePath().getParent();
    String base = database.fileStem() + ".pre-upgrade." + STAMP.format(now);
    Path p = dir.resolve(base + ".porter");
    for (int k = 2; java.nio.file.Files.exists(p); k++) {
      p = dir.resolve(base + "-" + k + ".porter");
    }
    return p;
  }
}
