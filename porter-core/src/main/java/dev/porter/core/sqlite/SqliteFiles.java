package dev.porter.core.sqlite;

import dev.porter.core.PorterException;
import dev.porter.core.dialect.Check;
import dev.porter.core.io.FileSync;
import dev.porter.core.io.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The files porter keeps beside a SQLite database: the lock, the staging file, pre-images ({@code
 * NAME.<label>.<UTC stamp>}), backup archives ({@code NAME.<label>.<UTC stamp>.porter}) and the
 * record of what porter last installed ({@code .NAME.porter-state}).
 */
final class SqliteFiles {
  static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  static final List<String> LABELS = List.of("pre-import", "pre-upgrade", "pre-rollback");

  private SqliteFiles() {}

  /** A hidden file beside the database: {@code .NAME<suffix>}. */
  static Path sidecar(Path db, String suffix) {
    return db.resolveSibling("." + db.getFileName() + suffix);
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw PorterException.unavailable("cannot read " + file + ": " + IoErrors.reason(e, file), e);
    }
  }

  /** How many schema objects an existing file holds: 0 for an empty file or an empty database. */
  static long schemaObjects(Path file) {
    if (size(file) == 0) {
      return 0;
    }
    if (!Sqlite.isSqliteFile(file)) {
      throw PorterException.refused("target " + file + " exists and is not a SQLite database");
    }
    try (Connection c = Sqlite.connect(file, true)) {
      return Sqlite.number(c, "SELECT count(*) FROM sqlite_master");
    } catch (SQLException e) {
      throw Sqlite.failure("cannot read the existing target", file, e);
    }
  }

  /**
   * Gives {@code staging} the permissions, owner and group of {@code existing}, the database it is
   * about to replace, and syncs that: a new file would otherwise get porter's user and umask (a
   * database kept private becomes readable by all; one that an app's user owned becomes root's when
   * porter runs as root, and the app can no longer write it). The permissions can always be given
   * (the file is porter's); the owner only by root, the group by a member of it. Returns the check
   * for the report, or null where the file system has no POSIX attributes.
   */
  static Check giveAccessOf(Path existing, Path staging) throws IOException {
    PosixFileAttributeView from =
        Files.getFileAttributeView(existing, PosixFileAttributeView.class);
    PosixFileAttributeView to = Files.getFileAttributeView(staging, PosixFileAttributeView.class);
    if (from == null || to == null) {
      return null;
    }
    PosixFileAttributes was = from.readAttributes();
    PosixFileAttributes now = to.readAttributes();
    if (!was.owner().equals(now.owner())) {
      try {
        to.setOwner(was.owner());
      } catch (IOException e) {
        // reported below
      }
    }
    if (!was.group().equals(now.group())) {
      try {
        to.setGroup(was.group());
      } catch (IOException e) {
        // reported below
      }
    }
    to.setPermissions(was.permissions());
    try (FileChannel ch = FileChannel.open(staging, StandardOpenOption.READ)) {
      ch.force(true);
    }
    PosixFileAttributes result = to.readAttributes();
    String before = access(was);
    if (result.owner().equals(was.owner())
        && result.group().equals(was.group())
        && result.permissions().equals(was.permissions())) {
      return new Check("file access", true, before + ", as the previous database");
    }
    return new Check(
        "file access",
        false,
        access(result)
            + ", not "
            + before
            + " as the previous database: porter, run as "
            + System.getProperty("user.name")
            + ", may not give a file to another user or group (run it as the database's owner, or"
            + " as root)");
  }

  private static String access(PosixFileAttributes a) {
    return PosixFilePermissions.toString(a.permissions())
        + " "
        + a.owner().getName()
        + ":"
        + a.group().getName();
  }

  static void deleteWithSidecars(Path db) throws IOException {
    for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
      Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
    }
  }

  /**
   * Gives the current database a second name, {@code .NAME.<label>.<stamp>.partial}: no copy, the
   * same file. Where the file system has no hard links, copies it instead.
   */
  static Path linkPartialPreImage(Path db, String label, String stamp) throws IOException {
    Path partial =
        db.resolveSibling("." + db.getFileName() + "." + label + "." + stamp + ".partial");
    Files.deleteIfExists(partial);
    try {
      Files.createLink(partial, db);
    } catch (UnsupportedOperationException | IOException e) {
      SqliteFileReads.copy(db, partial); // not Files.copy: see SqliteFileReads
      FileSync.file(partial);
    }
    FileSync.directory(db.getParent());
    return partial;
  }

  /** Renames a partial pre-image to its final, visible name, which is returned. */
  static Path finishPreImage(Path db, Path partial) throws IOException {
    String n = partial.getFileName().toString();
    String core =
        n.substring(1 + db.getFileName().toString().length() + 1, n.length() - ".partial".length());
    Path name = db.resolveSibling(db.getFileName() + "." + core);
    for (int k = 2; Files.exists(name); k++) {
      name = db.resolveSibling(db.getFileName() + "." + core + "-" + k);
    }
    Files.move(partial, name, StandardCopyOption.ATOMIC_MOVE);
    FileSync.directory(db.getParent());
    return name;
  }

  /** The staging file an import or upgrade of {@code db} builds beside it. */
  static Path staging(Path db) {
    return sidecar(db, ".porter-staging");
  }

  /**
   * Settles what a killed import, upgrade or rollback left beside {@code db}, as the next of them
   * does first under porter's lock: the staging file goes, with its sidecars, and a half-named
   * pre-image gets its name ({@link #recoverPartialPreImages}). Returns the size of the staging
   * file removed, or -1 if there was none.
   */
  static long settleKilledRun(Path db) throws IOException {
    Path staging = staging(db);
    long size = Files.exists(staging) ? Files.size(staging) : -1;
    deleteWithSidecars(staging);
    recoverPartialPreImages(db);
    return size;
  }

  /** {@code .NAME.(pre-import|pre-upgrade|pre-rollback)} as a regex, the label its group 1. */
  private static String hiddenLabelled(Path db) {
    return Pattern.quote("." + db.getFileName() + ".") + "(" + String.join("|", LABELS) + ")";
  }

  /** The name of a pre-image still under its partial name: group 1 its label, group 2 its stamp. */
  static Pattern partialPreImage(Path db) {
    return Pattern.compile(hiddenLabelled(db) + "\\.(\\d{8}T\\d{6}Z)\\.partial");
  }

  /**
   * A kill between a swap and the pre-image's final rename leaves the pre-image under its partial
   * name ({@code .NAME.<label>.<stamp>.partial}). If it is another file than the database, the swap
   * happened: it gets its final name. If it is the database itself (the swap never happened), the
   * extra name is removed. A kill while an upgrade wrote its backup archive leaves that archive's
   * partial file ({@code .NAME.<label>.<stamp>.porter.<random>.partial}): only an upgrade of this
   * database, under the lock the caller now holds, writes one, so it is an unfinished leftover and
   * is deleted (it is no pre-image).
   */
  static void recoverPartialPreImages(Path db) throws IOException {
    Pattern preImage = partialPreImage(db);
    Pattern backup =
        Pattern.compile(hiddenLabelled(db) + "\\.\\d{8}T\\d{6}Z(-\\d+)?\\.porter\\..+\\.partial");
    List<Path> partials = new ArrayList<>();
    List<Path> backups = new ArrayList<>();
    try (var s = Files.list(db.getParent())) {
      s.forEach(
          p -> {
            String n = p.getFileName().toString();
            if (preImage.matcher(n).matches()) {
              partials.add(p);
            } else if (backup.matcher(n).matches()) {
              backups.add(p);
            }
          });
    }
    for (Path partial : partials) {
      if (Files.exists(db) && Files.isSameFile(partial, db)) {
        Files.delete(partial);
      } else {
        finishPreImage(db, partial);
      }
    }
    for (Path b : backups) {
      Files.deleteIfExists(b);
    }
  }

  /**
   * Records what porter just installed, so that a rollback can tell whether the database changed
   * since: its file identity, size and modification time, and the pre-image it replaced.
   */
  static void recordInstalled(Path db, Path preImage, String operation) throws IOException {
    Properties p = new Properties();
    p.setProperty("operation", operation.replace("pre-", ""));
    p.setProperty("installedAt", Instant.now().toString());
    p.setProperty("fingerprint", fingerprint(db));
    if (preImage != null) {
      p.setProperty("preImage", preImage.getFileName().toString());
    }
    Path state = sidecar(db, ".porter-state");
    Path tmp = sidecar(db, ".porter-state.tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "written by porter; read by porter rollback");
    }
    Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static Properties installed(Path db) throws IOException {
    Path state = sidecar(db, ".porter-state");
    if (!Files.exists(state)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(state)) {
      p.load(in);
    }
    return p;
  }

  /** Identity, size and modification time of the database, plus the size of its WAL. */
  static String fingerprint(Path db) throws IOException {
    BasicFileAttributes a = Files.readAttributes(db, BasicFileAttributes.class);
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    long walSize = Files.exists(wal) ? Files.size(wal) : 0;
    return Objects.toString(a.fileKey())
        + "/"
        + a.size()
        + "/"
        + a.lastModifiedTime().toInstant()
        + "/wal="
        + walSize;
  }
}
