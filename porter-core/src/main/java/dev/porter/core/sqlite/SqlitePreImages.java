package dev.porter.core.sqlite;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.PreImages;
import dev.porter.core.io.FileSync;
import dev.porter.core.io.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pre-images and backup archives beside a SQLite file; rollback and cleanup. */
final class SqlitePreImages implements PreImages {
  private final Path db;

  SqlitePreImages(Path db) {
    this.db = db;
  }

  @Override
  public List<Kept> list() {
    Pattern p =
        Pattern.compile(
            Pattern.quote(db.getFileName().toString())
                + "\\.(pre-import|pre-upgrade|pre-rollback)\\.(\\d{8}T\\d{6}Z)(-\\d+)?(\\.porter)?");
    List<Kept> out = new ArrayList<>();
    try (var s = Files.list(db.toAbsolutePath().getParent())) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Matcher m = p.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(
              new Kept(
                  f.toString(),
                  m.group(1),
                  m.group(2) + (m.group(3) == null ? "" : m.group(3)),
                  m.group(4) != null,
                  Files.size(f)));
        }
      }
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot list the files beside " + db + ": " + IoErrors.reason(e, db), e);
    }
    out.sort(Comparator.comparing(Kept::stamp).thenComparing(Kept::archive).reversed());
    return out;
  }

  @Override
  public CommitResult rollback(boolean force) {
    try {
      SqliteFiles.recoverPartialPreImages(db); // a kill may have left the last one half-named
      Properties state = SqliteFiles.installed(db);
      Path preImage = null;
      if (state != null && state.getProperty("preImage") != null) {
        Path p = db.resolveSibling(state.getProperty("preImage"));
        if (Files.exists(p)) {
          preImage = p;
        }
      }
      if (preImage == null) {
        for (Kept k : list()) {
          if (!k.archive()) {
            preImage = Path.of(k.path());
            break;
          }
        }
      }
      if (preImage == null) {
        throw PorterException.refused(
            "there is no previous database of " + db + " to roll back to");
      }
      if (!force) {
        if (state == null) {
          throw PorterException.refused(
              "porter has no record of installing "
                  + db
                  + ", so it cannot tell whether the database changed since; --force rolls back anyway (the current database is kept)");
        }
        if (Files.exists(db)
            && !SqliteFiles.fingerprint(db).equals(state.getProperty("fingerprint"))) {
          throw PorterException.refused(
              "database "
                  + db
                  + " changed after porter's "
                  + state.getProperty("operation")
                  + " at "
                  + state.getProperty("installedAt")
                  + "; rolling back would drop those changes; --force rolls back anyway (the current database is kept as a pre-image)");
        }
      }
      Path kept = null;
      if (Files.exists(db)) {
        try (Connection guard = Sqlite.connect(db, false)) {
          if ("wal".equalsIgnoreCase(Sqlite.string(guard, "PRAGMA journal_mode"))) {
            try (Statement st = guard.createStatement();
                ResultSet r = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
              if (r.next() && r.getInt(1) != 0) {
                throw new PorterException(
                    ErrorCategory.LOCKED,
                    "database "
                        + db
                        + " is in use by another process; stop the application and retry");
              }
            }
          }
          try {
            Sqlite.exec(guard, "BEGIN IMMEDIATE");
          } catch (SQLException e) {
            throw new PorterException(
                ErrorCategory.LOCKED,
                "database "
                    + db
                    + " is being written by another process; stop the application and retry",
                e);
          }
          String stamp = SqliteFiles.STAMP.format(Instant.now());
          Path partial = SqliteFiles.linkPartialPreImage(db, "pre-rollback", stamp);
          Files.move(
              preImage, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          FileSync.directory(db.toAbsolutePath().getParent());
          Sqlite.exec(guard, "ROLLBACK");
          kept = partial;
        }
        kept = SqliteFiles.finishPreImage(db, kept);
      } else {
        Files.move(preImage, db, StandardCopyOption.ATOMIC_MOVE);
        FileSync.directory(db.toAbsolutePath().getParent());
      }
      SqliteFiles.recordInstalled(db, kept, "pre-rollback");
      return new CommitResult(db.toString(), kept == null ? null : kept.toString());
    } catch (SQLException e) {
      throw Sqlite.failure("cannot roll back", db, e);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot roll back " + db + ": " + IoErrors.reason(e, db), e);
    }
  }

  @Override
  public List<Kept> leftovers() {
    List<Kept> out = new ArrayList<>();
    Path staging = SqliteFiles.staging(db);
    Pattern partial = SqliteFiles.partialPreImage(db);
    try (var s = Files.list(db.toAbsolutePath().getParent())) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Matcher m = partial.matcher(f.getFileName().toString());
        if (f.getFileName().equals(staging.getFileName())) {
          out.add(new Kept(f.toString(), "staging", "", false, Files.size(f)));
        } else if (m.matches()) {
          out.add(new Kept(f.toString(), "partial", m.group(2), false, Files.size(f)));
        }
      }
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot list the files beside " + db + ": " + IoErrors.reason(e, db), e);
    }
    return out;
  }

  @Override
  public List<Kept> cleanup(int keep) {
    if (keep < 0) {
      throw PorterException.usage("--keep must be 0 or more");
    }
    // first what a killed import, upgrade or rollback left (the caller holds porter's lock, so
    // none is running); a half-named pre-image then takes its place among the ones kept
    List<Kept> removed = new ArrayList<>();
    try {
      long staging = SqliteFiles.settleKilledRun(db);
      if (staging >= 0) {
        removed.add(new Kept(SqliteFiles.staging(db).toString(), "staging", "", false, staging));
      }
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot clear what a killed porter left beside " + db + ": " + IoErrors.reason(e, db), e);
    }
    List<Kept> all = list();
    Set<String> stamps = new LinkedHashSet<>();
    for (Kept k : all) {
      stamps.add(k.stamp());
    }
    Set<String> kept = new LinkedHashSet<>();
    for (String s : stamps) {
      if (kept.size() < keep) {
        kept.add(s);
      }
    }
    for (Kept k : all) {
      if (!kept.contains(k.stamp())) {
        try {
          Files.deleteIfExists(Path.of(k.path()));
          for (String side : List.of("-wal", "-shm", "-journal")) {
            Files.deleteIfExists(Path.of(k.path() + side));
          }
          removed.add(k);
        } catch (IOException e) {
          throw PorterException.unavailable(
              "cannot remove " + k.path() + ": " + IoErrors.reason(e, k.path()), e);
        }
      }
    }
    return removed;
  }
}
