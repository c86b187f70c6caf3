package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static dev.porter.cli.AppCli.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.cli.apps.QuietStepApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app import whose steps change no row loads its tables as a plain restore does (ADR 0034):
 * through no step and through a step that only renames, every value arrives as it was, and the
 * report still counts each route's rows and each table's.
 */
class QuietStepTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NOTES = 3_000;

  @TempDir Path dir;

  private static final String NOTES_V1 =
      "SELECT id, body, hex(data), score, typeof(score), n FROM note ORDER BY id";
  private static final String TAGS_V1 = "SELECT id, note_id, text FROM tag ORDER BY id";

  /**
   * Release 1 with rows of every kind a restore's preparer decides about: ASCII, non-ASCII and
   * overflowing text, blobs, NULLs, integral and fractional reals, negative and large integers, and
   * several blocks and pages of rows.
   */
  private Path source() throws Exception {
    Path db = dir.resolve("v1.db");
    AppCli.exec(db, QuietStepApp.V1);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (PreparedStatement note = c.prepareStatement("INSERT INTO note VALUES (?,?,?,?,?)");
          PreparedStatement tag = c.prepareStatement("INSERT INTO tag VALUES (?,?,?)")) {
        for (int i = 1; i <= NOTES; i++) {
          note.setInt(1, i);
          note.setString(
              2,
              switch (i % 5) {
                case 0 -> null;
                case 1 -> "note " + i;
                case 2 -> "Grüße, Ωμέγα " + i;
                case 3 -> "x".repeat(5_000 + i);
                default -> "";
              });
          if (i % 3 == 0) {
            note.setNull(3, java.sql.Types.BLOB);
          } else {
            note.setBytes(3, new byte[] {(byte) i, 0, (byte) (i >> 8), -1});
          }
          if (i % 4 == 0) {
            note.setNull(4, java.sql.Types.REAL);
          } else {
            note.setDouble(4, i % 2 == 0 ? i : i + 0.25);
          }
          note.setLong(5, i % 7 == 0 ? -i : (long) i << 33);
          note.addBatch();
          for (int k = 0; k < 2; k++) {
            tag.setInt(1, 2 * i + k);
            tag.setInt(2, i);
            tag.setString(3, k == 0 ? "tag" + (i % 17) : "étiquette " + i);
            tag.addBatch();
          }
        }
        note.executeBatch();
        tag.executeBatch();
      }
      c.commit();
    }
    return db;
  }

  private Path src;
  private Path app;

  /** The archive of {@link #source}, exported through the app. */
  private Path archive() throws Exception {
    src = source();
    app = AppCli.appDir(dir, QuietStepApp.class);
    Path archive = dir.resolve("v1.porter");
    porter("export", "--db", src, "--app", app, "-o", archive).expect(0);
    return archive;
  }

  /** Imports the archive of {@link #source} into {@code db} at {@code release}; its report. */
  private JsonNode importTo(String release, Path db) throws Exception {
    Path archive = archive();
    Path report = dir.resolve("report.json");
    porter("import", archive, "--db", db, "--app", app, "--to", release, "--report", report)
        .expect(0);
    return JSON.readTree(Files.readString(report));
  }

  /** The notes of {@code db} (release 2 or later: {@code n} is {@code rank}) are the source's. */
  private void assertNotesAsTheyWere(Path db) throws Exception {
    assertEquals(
        query(src, NOTES_V1),
        query(db, "SELECT id, body, hex(data), score, typeof(score), rank FROM note ORDER BY id"));
  }

  /** The route of {@code step} from table {@code from} took and gave {@code rows} rows. */
  private static JsonNode assertRoute(JsonNode report, int step, String from, long rows) {
    JsonNode route =
        PlanReportJsonTest.find(report.get("steps").get(step).get("routes"), "from", from);
    assertEquals(rows, route.get("rowsIn").asLong(), from);
    assertEquals(rows, route.get("rowsOut").asLong(), from);
    return route;
  }

  /** {@code rows} rows of {@code table} arrived and were written. */
  private static void assertWritten(JsonNode report, String table, long rows) {
    JsonNode t = PlanReportJsonTest.find(report.get("tables"), "table", table);
    assertEquals(rows, t.get("rowsWritten").asLong(), table);
    assertEquals(rows, t.get("rowsArrived").asLong(), table);
  }

  @Test
  void rowsThroughAStepThatOnlyRenamesArriveAsTheyWereAndAreCounted() throws Exception {
    Path v2 = dir.resolve("v2.db");
    JsonNode r = importTo("2", v2);
    assertNotesAsTheyWere(v2);
    assertEquals(query(src, TAGS_V1), query(v2, "SELECT id, note_id, text FROM label ORDER BY id"));
    assertEquals(List.of(List.of("2")), query(v2, "SELECT value FROM meta"));
    assertEquals(
        List.of(List.of(2L * NOTES)),
        query(v2, "SELECT count(*) FROM label INDEXED BY label_text WHERE text > ''"));

    assertRoute(r, 0, "note", NOTES);
    assertEquals("label", assertRoute(r, 0, "tag", 2L * NOTES).get("to").asText());
    assertWritten(r, "label", 2L * NOTES);
  }

  @Test
  void unchangedRowsBesideChangedOnesArriveAsTheyWereAndBothAreCounted() throws Exception {
    Path v3 = dir.resolve("v3.db");
    JsonNode r = importTo("3", v3);
    // notes: no step changes them, so they go as a restore's; labels: through the graph
    assertNotesAsTheyWere(v3);
    List<List<Object>> shoutedTags = new ArrayList<>();
    for (List<Object> tag : query(src, TAGS_V1)) {
      shoutedTags.add(
          List.of(tag.get(0), tag.get(1), ((String) tag.get(2)).toUpperCase(Locale.ROOT)));
    }
    assertEquals(shoutedTags, query(v3, "SELECT id, note_id, text FROM label ORDER BY id"));
    // and one by hand, with a letter outside ASCII
    assertEquals(
        List.of(List.of("ÉTIQUETTE 7")), query(v3, "SELECT text FROM label WHERE id = 15"));
    assertEquals(List.of(List.of("3")), query(v3, "SELECT value FROM meta"));

    assertRoute(r, 0, "note", NOTES);
    assertRoute(r, 1, "label", 2L * NOTES);
    assertWritten(r, "note", NOTES);
    assertWritten(r, "label", 2L * NOTES);
  }

  @Test
  void rowsThroughNoStepArriveAsTheyWere() throws Exception {
    Path v1 = dir.resolve("again.db");
    JsonNode r = importTo("1", v1);
    assertEquals(query(src, NOTES_V1), query(v1, NOTES_V1));
    assertEquals(query(src, TAGS_V1), query(v1, TAGS_V1));
    assertWritten(r, "note", NOTES);
  }
}
