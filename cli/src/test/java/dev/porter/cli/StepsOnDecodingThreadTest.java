package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static dev.porter.cli.AppCli.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.cli.apps.ThreadedStepsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table whose steps read nothing but its own rows has them run on the archive's decoding thread
 * (ADR 0039); a table whose route reads a lookup, and the table looked up, keep the loading thread.
 * Either way the rows arrive as the steps made them and are counted, and a step that fails on the
 * decoding thread is reported as on the loading thread, naming its row, with nothing changed.
 */
class StepsOnDecodingThreadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int AUTHORS = 40;
  private static final int NOTES = 1_000;
  private static final int TAGS = 3_000; // several of the decoding thread's batches of 512

  @TempDir Path dir;

  private Path src;
  private Path app;

  /** Release 1's rows; the tag with id {@code boomAt} (if any) says boom. */
  private Path archive(int boomAt) throws Exception {
    src = dir.resolve("v1.db");
    AppCli.exec(src, ThreadedStepsApp.V1);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src)) {
      c.setAutoCommit(false);
      try (PreparedStatement author = c.prepareStatement("INSERT INTO author VALUES (?,?)");
          PreparedStatement note = c.prepareStatement("INSERT INTO note VALUES (?,?,?)");
          PreparedStatement tag = c.prepareStatement("INSERT INTO tag VALUES (?,?,?)")) {
        for (int i = 1; i <= AUTHORS; i++) {
          author.setInt(1, i);
          author.setString(2, "author " + i);
          author.addBatch();
        }
        for (int i = 1; i <= NOTES; i++) {
          note.setInt(1, i);
          note.setInt(2, 1 + i % AUTHORS);
          note.setString(3, "note " + i);
          note.addBatch();
        }
        for (int i = 1; i <= TAGS; i++) {
          tag.setInt(1, i);
          tag.setInt(2, 1 + i % NOTES);
          tag.setString(3, i == boomAt ? "boom" : "tag é " + i);
          tag.addBatch();
        }
        author.executeBatch();
        note.executeBatch();
        tag.executeBatch();
      }
      c.commit();
    }
    app = AppCli.appDir(dir, ThreadedStepsApp.class);
    Path archive = dir.resolve("v1.porter");
    porter("export", "--db", src, "--app", app, "-o", archive).expect(0);
    return archive;
  }

  @Test
  void ownStepsRunOnTheDecodingThreadAndTheirRowsArriveAndAreCounted() throws Exception {
    Path archive = archive(-1);
    Path v2 = dir.resolve("v2.db");
    Path report = dir.resolve("report.json");
    porter("import", archive, "--db", v2, "--app", app, "--to", "2", "--report", report).expect(0);

    List<List<Object>> tags = new ArrayList<>();
    for (List<Object> t : query(src, "SELECT id, note_id, text FROM tag ORDER BY id")) {
      if ((Long) t.get(0) % 10 != 0) {
        tags.add(List.of(t.get(0), t.get(1), ((String) t.get(2)).toUpperCase(Locale.ROOT)));
      }
    }
    assertEquals(tags, query(v2, "SELECT id, note_id, label FROM tag ORDER BY id"));
    assertEquals(List.of("TAG É 1"), query(v2, "SELECT label FROM tag WHERE id = 1").get(0));
    assertEquals(
        List.of(List.of((long) NOTES, (long) AUTHORS)),
        query(v2, "SELECT count(*), count(DISTINCT author_name) FROM note"));
    assertEquals(
        List.of(List.of("author 8")), query(v2, "SELECT author_name FROM note WHERE id = 7"));

    // where each table's step ran: tag's alone on its decoding thread
    List<List<Object>> tagThreads = query(v2, "SELECT DISTINCT ran_on FROM tag");
    assertEquals(1, tagThreads.size(), tagThreads.toString());
    assertTrue(
        ((String) tagThreads.get(0).get(0)).startsWith("porter-decode-"), tagThreads.toString());
    String loading = Thread.currentThread().getName(); // porter runs in this test's thread
    assertEquals(List.of(List.of(loading)), query(v2, "SELECT DISTINCT ran_on FROM note"));
    assertEquals(List.of(List.of(loading)), query(v2, "SELECT DISTINCT ran_on FROM author"));

    JsonNode r = JSON.readTree(Files.readString(report));
    JsonNode route = PlanReportJsonTest.find(r.get("steps").get(0).get("routes"), "from", "tag");
    assertEquals(TAGS, route.get("rowsIn").asLong());
    assertEquals(TAGS - TAGS / 10, route.get("rowsOut").asLong());
    JsonNode table = PlanReportJsonTest.find(r.get("tables"), "table", "tag");
    assertEquals(TAGS - TAGS / 10, table.get("rowsArrived").asLong());
    assertEquals(TAGS - TAGS / 10, table.get("rowsWritten").asLong());
  }

  @Test
  void aStepThatFailsOnTheDecodingThreadNamesItsRowAndChangesNothing() throws Exception {
    Path archive = archive(1_503);
    Path v2 = dir.resolve("v2.db");
    AppCli.Run run = porter("import", archive, "--db", v2, "--app", app, "--to", "2");
    run.expect(3);
    assertTrue(
        run.err()
            .contains(
                "step Record (1 → 2), table tag → tag, row 1503 (1503):"
                    + " java.lang.IllegalStateException: a tag may not say boom"),
        run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertFalse(Files.exists(v2));
    try (Stream<Path> left = Files.list(dir)) {
      List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
      // no staging file left; the lock file is kept by design (docs/architecture.md)
      assertEquals(
          List.of(".v2.db.porter-lock", "app-ThreadedStepsApp", "v1.db", "v1.porter"), names);
    }
  }
}
