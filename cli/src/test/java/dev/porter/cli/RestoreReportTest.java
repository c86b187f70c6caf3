package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.testdata.ManyRows;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain SQLite restore, whose rows come prepared in batches (ADR 0033), reports every row it read
 * and wrote, and its progress counts them as they come.
 */
class RestoreReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long ROWS = 25_123; // batches of 512, and more than one progress step

  @TempDir Path dir;

  @Test
  void theReportCountsEveryRow() throws Exception {
    Path source = dir.resolve("big.db");
    ManyRows.create(source, ROWS);
    Path archive = dir.resolve("big.porter");
    Cli.ok("export", "--db", source, "--output", archive);
    Path report = dir.resolve("report.json");
    Cli.ok("import", archive, "--db", dir.resolve("restored.db"), "--report", report);
    JsonNode json = JSON.readTree(Files.readString(report));
    JsonNode big = ReportJson.table(json, "big");
    assertEquals(ROWS, big.get("rowsArrived").asLong(), big.toString());
    assertEquals(ROWS, big.get("rowsWritten").asLong(), big.toString());
    long read = -1;
    for (JsonNode s : json.get("sources")) {
      if (s.get("table").asText().equals("big")) {
        read = s.get("rowsRead").asLong();
      }
    }
    assertEquals(ROWS, read, json.get("sources").toString());
  }
}
