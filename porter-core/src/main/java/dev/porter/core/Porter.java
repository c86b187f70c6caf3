package dev.porter.core;

import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.SchemaVersion;
import dev.porter.core.archive.ArchiveCodec;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Dialects;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.engine.ImportOptions;
import dev.porter.core.engine.Progress;
import dev.porter.core.engine.UpgradeJob;
import dev.porter.core.io.IoErrors;

/** The calls an application that embeds porter makes. */
public final class Porter {
  private Porter() {}

  /** What {@link #upgradeOnStartup} found and did. */
  public enum StartupAction {
    /** The database is at the app's newest release: nothing done. */
    UP_TO_DATE,
    /** The database was older and has been upgraded (a backup and a pre-image are kept). */
    UPGRADED,
    /** The database records no version (new or empty): left for the app to create its schema. */
    NO_VERSION
  }

  /**
   * The one call an app makes at start-up, before it opens its database: if the database is at an
   * older release, upgrade it to the app's newest with the same safety as {@code porter upgrade};
   * if it is at a newer release, refuse (a PorterException of category REFUSED naming both
   * versions); if equal, do nothing.
   *
   * @param database a SQLite file path or a JDBC URL
   */
  public static StartupAction upgradeOnStartup(AppDefinition app, String database) {
    DatabaseRef ref = DatabaseRef.parse(database);
    Dialect dialect = Dialects.forRef(ref);
    try {
      if (ref.file() != null
          && (!java.nio.file.Files.exists(ref.file())
              || java.nio.file.Files.size(ref.file()) == 0)) {
        return StartupAction.NO_VERSION; // a new or empty file: the app creates its schema
      }
    } catch (java.io.IOException e) {
      throw PorterException.unavailable(
          "cannot read " + ref.display() + ": " + IoErrors.reason(e, ref.display()), e);
    }
    String current = UpgradeJob.currentVersion(dialect, ref, app);
    if (current == null) {
      return StartupAction.NO_VERSION;
    }
    SchemaVersion v = SchemaVersion.of(current);
    SchemaVersion newest = app.newest().version();
    int c = v.compareTo(newest);
    if (c == 0) {
      return StartupAction.UP_TO_DATE;
    }
    if (c > 0) {
      throw PorterException.refused(
          "database "
              + ref.display()
              + " is at release "
              + current
              + " of app "
              + app.id()
              + ", newer than this app's newest release "
              + newest
              + "; run the newer app, or downgrade with porter");
    }
    new UpgradeJob(
            dialect,
            ref,
            ImportOptions.app(ImportMode.REPLACE, app, newest),
            ArchiveCodec.load(),
            Progress.NONE)
        .run();
    return StartupAction.UPGRADED;
  }
}
