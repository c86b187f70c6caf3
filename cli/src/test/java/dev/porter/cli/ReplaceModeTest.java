package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testdata.DemoShop;
import dev.porter.testdata.EdgeCases;
import dev.porter.testdata.SqliteCompare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import --mode replace}: the new database takes the target's place and the old one is kept
 * beside it as a complete, openable pre-image, also when the old one is in WAL mode with its WAL
 * not yet checkpointed, held open by a live connection, or left behind by a crash.
 */
class ReplaceModeTest {
  @TempDir static Path shared;

  static Path source;
  static Path archive;

  @TempDir Path dir;

  @BeforeAll
  static void sourceAndArchive() throws Exception {
    source = shared.resolve("edge.db");
    EdgeCases.create(source, 10_000);
    archive = shared.resolve("edge.porter");
    Cli.ok("export", "--db", source, "--output", archive);
  }

  @Test
  void replaceKeepsTheOldFileAsPreImage() throws Exception {
    Path target = dir.resolve("app.db");
    DemoShop.create(target, 100, 9);
    String before = Cli.sha256(target);

    Cli.Result r = Cli.ok("import", archive, "--db", target, "--mode", "replace");

    assertNull(SqliteCompare.difference(source, target));
    Path preImage = onlyPreImage(dir, "app.db");
    assertEquals(before, Cli.sha256(preImage), "the pre-image is the old file, byte for byte");
    assertTrue(r.out().contains("previous database kept as " + preImage), r::toString);
    assertEquals(
        List.of(
            ".app.db.porter-lock",
            ".app.db.porter-state",
            "app.db",
            preImage.getFileName().toString()),
        Cli.files(dir),
        "no staging or partial file left");
  }

  @Test
  void replaceThroughASymbolicLinkReplacesTheDatabaseItPointsTo() throws Exception {
    // as in a container whose app.db links to a file on a mounted volume
    Path volume = Files.createDirectories(dir.resolve("volume"));
    Path real = volume.resolve("real.db");
    DemoShop.create(real, 100, 9);
    String before = Cli.sha256(real);
    Path appDir = Files.createDirectories(dir.resolve("app"));
    Path link = Files.createSymbolicLink(appDir.resolve("app.db"), Path.of("../volume/real.db"));

    Cli.Result r = Cli.ok("import", archive, "--db", link, "--mode", "replace");

    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertNull(SqliteCompare.difference(source, real), "the file it points to holds the new data");
    Path preImage = onlyPreImage(volume, "real.db");
    assertEquals(before, Cli.sha256(preImage), "the old data is kept beside the file it was in");
    assertEquals(List.of("app.db"), Cli.files(appDir), "nothing beside the link");
    assertTrue(r.out().contains(" into " + real.toRealPath() + " in "), r::toString);

    // a link to a file still to be created: the new database is created where it points
    Path later = Files.createSymbolicLink(appDir.resolve("later.db"), volume.resolve("later.db"));
    Cli.ok("import", archive, "--db", later);
    assertTrue(Files.isSymbolicLink(later));
    assertNull(SqliteCompare.difference(source, volume.resolve("later.db")));

    // rollback through the link puts the old data back into the file it points to
    Cli.ok("rollback", "--db", link);
    assertEquals(before, Cli.sha256(real));
  }

  @Test
  void theNewDatabaseGetsThePreviousOnesPermissionsOwnerAndGroup() throws Exception {
    Path target = dir.resolve("app.db");
    DemoShop.create(target, 100, 9);
    PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
    // a database kept private; as root (CI), also one owned by the app's own user and group
    view.setPermissions(PosixFilePermissions.fromString("rw-r-----"));
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      UserPrincipalLookupService users = target.getFileSystem().getUserPrincipalLookupService();
      view.setOwner(users.lookupPrincipalByName("nobody"));
      view.setGroup(users.lookupPrincipalByGroupName("nogroup"));
    }
    PosixFileAttributes before = view.readAttributes();

    Cli.Result r = Cli.ok("import", archive, "--db", target, "--mode", "replace");

    PosixFileAttributes after = Files.readAttributes(target, PosixFileAttributes.class);
    assertEquals("rw-r-----", PosixFilePermissions.toString(after.permissions()));
    assertEquals(before.owner(), after.owner());
    assertEquals(before.group(), after.group());
    assertTrue(
        r.out()
            .contains(
                "check file access        rw-r----- "
                    + before.owner().getName()
                    + ":"
                    + before.group().getName()
                    + ", as the previous database"),
        r::toString);
    assertNull(SqliteCompare.difference(source, target));
  }

  @Test
  void replaceOfAMissingTargetCreatesIt() throws Exception {
    Path target = dir.resolve("app.db");
    Cli.ok("import", archive, "--db", target, "--mode", "replace");
    assertNull(SqliteCompare.difference(source, target));
    assertEquals(List.of(".app.db.porter-lock", ".app.db.porter-state", "app.db"), Cli.files(dir));
  }

  @Test
  void replaceOverAWalDatabaseHeldOpenKeepsACompletePreImage() throws Exception {
    Path target = dir.resolve("app.db");
    Path reference = dir.resolve("reference.db");
    try (Connection live = DriverManager.getConnection("jdbc:sqlite:" + target)) {
      fillWal(live);
      assertTrue(Files.size(dir.resolve("app.db-wal")) > 0, "committed rows are in the WAL only");
      assertTrue(Files.exists(dir.resolve("app.db-shm")));
      exec(live, "VACUUM INTO '" + reference + "'");

      // the application still has the database open (idle) while porter replaces it
      Cli.ok("import", archive, "--db", target, "--mode", "replace");

      assertPreImageIsComplete(onlyPreImage(dir, "app.db"), reference);
    }
    assertNull(SqliteCompare.difference(source, target));
  }

  @Test
  void replaceOverAWalDatabaseLeftByACrashKeepsACompletePreImage() throws Exception {
    Path original = dir.resolve("running.db");
    Path reference = dir.resolve("reference.db");
    Path crashed = Files.createDirectories(dir.resolve("crashed"));
    try (Connection live = DriverManager.getConnection("jdbc:sqlite:" + original)) {
      fillWal(live);
      exec(live, "VACUUM INTO '" + reference + "'");
      // what a crash leaves: the main file, the WAL with committed frames, the shared memory
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.copy(dir.resolve("running.db" + suffix), crashed.resolve("app.db" + suffix));
      }
    }
    Path target = crashed.resolve("app.db");

    Cli.ok("import", archive, "--db", target, "--mode", "replace");

    assertPreImageIsComplete(onlyPreImage(crashed, "app.db"), reference);
    assertNull(SqliteCompare.difference(source, target));
  }

  /** A WAL database whose last 300 committed rows are only in its WAL. */
  private static void fillWal(Connection c) throws SQLException {
    exec(c, "PRAGMA journal_mode = WAL");
    exec(c, "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)");
    exec(c, "INSERT INTO note (body) VALUES ('checkpointed')");
    exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    exec(c, "PRAGMA wal_autocheckpoint = 0");
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO note (body) VALUES (?)")) {
      for (int i = 0; i < 300; i++) {
        ps.setString(1, "only in the WAL " + i);
        ps.executeUpdate();
      }
    }
    c.commit();
    c.setAutoCommit(true);
  }

  /**
   * The pre-image, copied alone (without any -wal or -shm beside it), opens and holds exactly what
   * the old database held.
   */
  private void assertPreImageIsComplete(Path preImage, Path reference) throws Exception {
    Path alone = Files.createDirectories(dir.resolve("alone")).resolve("pre.db");
    Files.copy(preImage, alone);
    assertNull(SqliteCompare.difference(reference, alone));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + alone);
        Statement s = c.createStatement()) {
      var r = s.executeQuery("SELECT count(*) FROM note");
      r.next();
      assertEquals(301, r.getLong(1));
      r = s.executeQuery("PRAGMA integrity_check");
      r.next();
      assertEquals("ok", r.getString(1));
    }
  }

  static Path onlyPreImage(Path dir, String name) throws Exception {
    List<String> pre =
        Cli.files(dir).stream()
            .filter(
                f ->
                    f.matches(
                        java.util.regex.Pattern.quote(name) + "\\.pre-import\\.\\d{8}T\\d{6}Z"))
            .toList();
    assertEquals(1, pre.size(), () -> "one pre-image expected in " + dir + ": " + pre);
    return dir.resolve(pre.get(0));
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
