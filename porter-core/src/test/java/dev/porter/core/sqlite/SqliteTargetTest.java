package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.ImportMode;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What opening an import target does before any row is written: the mode's precondition, and the
 * clean-up of what a killed import left (staging files, pre-images under their temporary name).
 */
class SqliteTargetTest {
  @TempDir Path dir;

  Path target;
  byte[] original;

  @BeforeEach
  void existingDatabase() throws Exception {
    target = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (v)");
      s.execute("INSERT INTO t VALUES ('original')");
    }
    original = Files.readAllBytes(target);
  }

  dev.porter.core.dialect.DbLock lock;

  /**
   * Whoever opens a target holds porter's lock on it first (the dialect's job, not the target's).
   */
  Target open(ImportMode mode) {
    SqliteDialect d = new SqliteDialect();
    DatabaseRef ref = DatabaseRef.sqliteFile(target);
    if (lock == null) {
      lock = d.lock(ref);
    }
    return d.openTarget(ref, TargetOptions.of(mode));
  }

  @org.junit.jupiter.api.AfterEach
  void releaseLock() {
    if (lock != null) {
      lock.close();
    }
  }

  List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aTargetClosedWithoutCommitIsUntouchedAndLeavesNoStaging() throws Exception {
    Target t = open(ImportMode.REPLACE);
    try {
      assertTrue(Files.exists(dir.resolve(".app.db.porter-staging")), "staging beside the target");
      assertArrayEquals(original, Files.readAllBytes(target));
    } finally {
      t.close();
    }
    assertArrayEquals(original, Files.readAllBytes(target));
    assertEquals(List.of(".app.db.porter-lock", "app.db"), files());
  }

  @Test
  void staleStagingFilesOfAKilledImportAreRemoved() throws Exception {
    for (String f : List.of(".app.db.porter-staging", ".app.db.porter-staging-journal")) {
      Files.writeString(dir.resolve(f), "left by a killed import");
    }
    open(ImportMode.REPLACE).close();
    assertEquals(List.of(".app.db.porter-lock", "app.db"), files());
    assertArrayEquals(original, Files.readAllBytes(target));
  }

  @Test
  void aPartialPreImageThatIsTheTargetItselfIsUnlinked() throws Exception {
    // killed after linking the pre-image, before the swap: both names are the same file
    Path partial = dir.resolve(".app.db.pre-import.20240101T000000Z.partial");
    Files.createLink(partial, target);
    open(ImportMode.REPLACE).close();
    assertEquals(List.of(".app.db.porter-lock", "app.db"), files());
    assertArrayEquals(original, Files.readAllBytes(target));
  }

  @Test
  void aPartialPreImageOfAFinishedSwapGetsItsFinalName() throws Exception {
    // killed after the swap, before the pre-image's final rename: the partial is the old file
    Path partial = dir.resolve(".app.db.pre-import.20240101T000000Z.partial");
    Files.move(target, partial);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE stands_for_the_new_database (v)");
    }
    open(ImportMode.REPLACE).close();
    assertEquals(
        List.of(".app.db.porter-lock", "app.db", "app.db.pre-import.20240101T000000Z"), files());
    assertArrayEquals(
        original, Files.readAllBytes(dir.resolve("app.db.pre-import.20240101T000000Z")));
  }

  @Test
  void modeNewRefusesADatabaseOrAnotherFile() throws Exception {
    PorterException e = assertThrows(PorterException.class, () -> open(ImportMode.NEW));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertTrue(e.getMessage().contains("1 schema objects"), e.getMessage());
    Files.writeString(target, "not a database");
    e = assertThrows(PorterException.class, () -> open(ImportMode.NEW));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertTrue(e.getMessage().contains("is not a SQLite database"), e.getMessage());
    assertEquals("not a database", Files.readString(target));
  }

  @Test
  void modeNewAcceptsAMissingFileAnEmptyFileAndAnEmptyDatabase() throws Exception {
    Files.delete(target);
    open(ImportMode.NEW).close();
    assertTrue(Files.notExists(target), "nothing is created before commit");
    Files.createFile(target);
    open(ImportMode.NEW).close();
    Files.delete(target);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 1"); // a database file without any schema object
    }
    open(ImportMode.NEW).close();
  }

  @Test
  void aTargetThatIsADirectoryIsAUsageError() throws Exception {
    Path d = Files.createDirectory(dir.resolve("sub.db"));
    PorterException e =
        assertThrows(
            PorterException.class,
            () ->
                new SqliteDialect()
                    .openTarget(DatabaseRef.sqliteFile(d), TargetOptions.of(ImportMode.REPLACE)));
    assertEquals(ErrorCategory.USAGE, e.category());
  }
}
