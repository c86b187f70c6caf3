package dev.porter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Reads an import report's JSON (docs/json-output.md) for the tests of both engines. */
public final class ReportJson {
  private ReportJson() {}

  /** The report's entry for one table. */
  public static JsonNode table(JsonNode report, String name) {
    for (JsonNode t : report.get("tables")) {
      if (t.get("table").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no table " + name + " in the report");
  }

  /** seedPolicy, rowsArrived, rowsWritten, rowsSkippedAsSeed, baselineRows of a report table. */
  public static List<Object> seedNumbers(JsonNode report, String name) {
    JsonNode t = table(report, name);
    return List.of(
        t.get("seedPolicy").asText(),
        t.get("rowsArrived").asLong(),
        t.get("rowsWritten").asLong(),
        t.get("rowsSkippedAsSeed").asLong(),
        t.get("baselineRows").asLong());
  }
}
