package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export whose archive cannot be written to the end (here the process's file-size limit, which
 * fails a write as a full disk does) exits 7 naming the archive, and leaves nothing in the output's
 * directory: closing the half-written file fails again there, and its partial file used to stay.
 */
class ArchiveWriteFailureTest {
  @TempDir Path dir;
  @TempDir Path tmp;

  /** Four tables of about 2 MB of compressed text each: every spool fits 4 MB, the archive not. */
  private Path database() throws Exception {
    Path db = dir.resolve("four.db");
    Random random = new Random(7);
    byte[] bytes = new byte[72];
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int t = 1; t <= 4; t++) {
        s.execute("CREATE TABLE t" + t + " (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
        try (PreparedStatement insert =
            c.prepareStatement("INSERT INTO t" + t + " (note) VALUES (?)")) {
          for (int i = 0; i < 30_000; i++) {
            random.nextBytes(bytes);
            insert.setString(1, Base64.getEncoder().encodeToString(bytes));
            insert.executeUpdate();
          }
        }
      }
      c.commit();
    }
    return db;
  }

  @Test
  void anArchiveThatCannotBeWrittenLeavesNoPartialFile() throws Exception {
    Path source = database();
    Path out = Files.createDirectories(dir.resolve("out"));
    Path archive = out.resolve("four.porter");
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f 4096 && exec \"$@\"", "-"));
    cmd.addAll(
        Cli.process(List.of("-Djava.io.tmpdir=" + tmp), "export", "--db", source, "-o", archive)
            .command());
    Cli.Result r = Cli.finish(new ProcessBuilder(cmd).start());
    assertEquals(7, r.code(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertTrue(
        r.errLines().get(0).startsWith("porter: cannot write archive to " + archive + ": "),
        r::toString);
    assertEquals(List.of(), Cli.files(out), "a failed export leaves nothing beside its output");
  }
}
