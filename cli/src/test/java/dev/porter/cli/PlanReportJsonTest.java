package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON of {@code plan --json} and {@code import --report}, on the hand-made release-1 database
 * of {@link SmallHelpdesk}: every number below was worked out on paper from its rows.
 */
class PlanReportJsonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path app;
  Path archive;

  @BeforeEach
  void setUp() throws Exception {
    app = AppCli.appDir(dir, HelpdeskApp.class);
    archive = SmallHelpdesk.archive(dir, app, false);
  }

  static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.path(field).asText().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no element with " + field + " = " + value + " in " + array);
  }

  static JsonNode route(JsonNode step, String from, String to) {
    for (JsonNode r : step.get("routes")) {
      if (r.get("from").asText().equals(from) && r.get("to").asText().equals(to)) {
        return r;
      }
    }
    throw new AssertionError("no route " + from + " → " + to + " in " + step);
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> out = new LinkedHashMap<>();
    object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  @Test
  void planJson() throws Exception {
    AppCli.Run run = porter("plan", archive, "--app", app, "--json").expect(0);
    JsonNode p = JSON.readTree(run.out());
    assertEquals("helpdesk", p.get("app").asText());
    assertEquals("1", p.get("fromVersion").asText());
    assertEquals("4", p.get("toVersion").asText());
    assertEquals(List.of(), strings(p.get("refusals")));

    JsonNode steps = p.get("steps");
    assertEquals(3, steps.size());
    assertEquals(
        List.of("V1ToV2", "V2ToV3", "V3ToV4"),
        List.of(
            steps.get(0).get("name").asText(),
            steps.get(1).get("name").asText(),
            steps.get(2).get("name").asText()));
    for (JsonNode s : steps) {
      assertFalse(s.get("down").asBoolean());
    }
    assertEquals("1", steps.get(0).get("from").asText());
    assertEquals("2", steps.get(0).get("to").asText());
    assertEquals(List.of("session"), strings(steps.get(0).get("droppedTables")));
    assertEquals(List.of("audit_log"), strings(steps.get(1).get("droppedTables")));
    assertEquals(List.of("country"), strings(steps.get(2).get("droppedTables")));
    assertEquals(
        List.of(
            "renamed table agent → staff",
            "renamed column full_name → name",
            "converted column role to integer",
            "renamed column role → role_id"),
        strings(route(steps.get(0), "agent", "staff").get("operations")));
    assertEquals(
        List.of("tags"), strings(route(steps.get(1), "ticket", "ticket").get("droppedColumns")));
    assertTrue(
        strings(route(steps.get(1), "ticket", "tag").get("operations"))
            .contains("kept distinct rows on name"));
    JsonNode fold = route(steps.get(2), "address", "address");
    assertEquals(List.of("country"), strings(fold.get("lookups")));
    assertEquals(List.of("country_code"), strings(fold.get("droppedColumns")));
    assertEquals(
        List.of(
            "folded country_name = country.name where country_code = country.code",
            "dropped column country_code"),
        strings(fold.get("operations")));

    JsonNode sources = p.get("sources");
    JsonNode session = find(sources, "table", "session");
    assertEquals(1, session.get("rows").asLong());
    assertEquals(List.of(), strings(session.get("destinations")));
    assertEquals("dropped by step V1ToV2 (1 → 2)", session.get("dropped").asText());
    JsonNode country = find(sources, "table", "country");
    assertEquals(6, country.get("rows").asLong());
    assertEquals("dropped by step V3ToV4 (3 → 4)", country.get("dropped").asText());
    assertEquals(2, find(sources, "table", "audit_log").get("rows").asLong());
    JsonNode ticket = find(sources, "table", "ticket");
    assertEquals(3, ticket.get("rows").asLong());
    assertEquals(List.of("ticket", "tag", "ticket_tag"), strings(ticket.get("destinations")));
    assertFalse(ticket.has("dropped"), "null fields are omitted");
    assertEquals(
        List.of("customer", "address"),
        strings(find(sources, "table", "customer").get("destinations")));

    JsonNode targets = p.get("targets");
    JsonNode status = find(targets, "table", "status");
    assertTrue(status.get("seed").asBoolean());
    assertEquals("merge", status.get("seedPolicy").asText());
    assertEquals(4, status.get("baselineRows").asLong());
    assertEquals(List.of("status"), strings(status.get("fedBy")));
    JsonNode role = find(targets, "table", "role");
    assertTrue(role.get("seed").asBoolean());
    assertEquals("skip", role.get("seedPolicy").asText());
    assertEquals(3, role.get("baselineRows").asLong());
    assertEquals(List.of(), strings(role.get("fedBy")));
    assertEquals("skip", find(targets, "table", "app_meta").get("seedPolicy").asText());
    JsonNode ticketTarget = find(targets, "table", "ticket");
    assertFalse(ticketTarget.get("seed").asBoolean());
    assertFalse(ticketTarget.has("seedPolicy"));
    assertEquals(
        List.of(
            "id",
            "customer_id",
            "agent_id",
            "status",
            "subject",
            "body",
            "created",
            "priority",
            "updated",
            "sla_hours"),
        strings(ticketTarget.get("columns")));
    assertEquals(List.of(), strings(ticketTarget.get("columnsWithoutDestination")));
    assertEquals(List.of(), strings(ticketTarget.get("columnsDefaulted")));
    assertEquals(
        List.of("id", "customer_id", "street", "city", "country_name"),
        strings(find(targets, "table", "address").get("columns")));
  }

  @Test
  void planJsonOfADownStepAndOfARefusal() throws Exception {
    Path db = dir.resolve("r4.db");
    HelpdeskData.createSqlite(db, 4, 1, 11);
    Path r4 = dir.resolve("r4.porter");
    porter("export", "--db", db, "--app", app, "-o", r4).expect(0);

    JsonNode down =
        JSON.readTree(porter("plan", r4, "--app", app, "--to", "3", "--json").expect(0).out());
    assertEquals("4", down.get("fromVersion").asText());
    assertEquals("3", down.get("toVersion").asText());
    assertEquals(1, down.get("steps").size());
    JsonNode step = down.get("steps").get(0);
    assertEquals("V4ToV3", step.get("name").asText());
    assertTrue(step.get("down").asBoolean());
    assertEquals(
        List.of("sla_hours"), strings(route(step, "ticket", "ticket").get("droppedColumns")));

    AppCli.Run refused = porter("plan", r4, "--app", app, "--to", "2", "--json").expect(3);
    JsonNode p = JSON.readTree(refused.out());
    assertEquals(
        List.of(
            "archive is at release 4, newer than the target release 2, and app helpdesk has no"
                + " down-step from 3 to 2"),
        strings(p.get("refusals")));
    assertEquals(0, p.get("steps").size());
  }

  @Test
  void importReportJson() throws Exception {
    Path db = dir.resolve("helpdesk.db");
    Path report = dir.resolve("report.json");
    porter("import", archive, "--db", db, "--app", app, "--report", report).expect(0);
    JsonNode r = JSON.readTree(Files.readString(report));
    assertEquals("helpdesk", r.get("app").asText());
    assertEquals("1", r.get("fromVersion").asText());
    assertEquals("4", r.get("toVersion").asText());
    assertEquals(db.toAbsolutePath().toString(), r.get("target").asText());
    assertFalse(r.has("preImage"), "a new database replaces nothing");

    // per target table: rows written (and seed handling)
    Map<String, Long> written = new LinkedHashMap<>();
    for (JsonNode t : r.get("tables")) {
      written.put(t.get("table").asText(), t.get("rowsWritten").asLong());
      assertEquals(Map.of(), counts(t.get("columnsWithoutDestination")), t.toString());
    }
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("app_meta", 0L);
    expected.put("status", 1L);
    expected.put("role", 0L);
    expected.put("staff", 2L);
    expected.put("customer", 3L);
    expected.put("address", 2L);
    expected.put("ticket", 2L);
    expected.put("tag", 2L);
    expected.put("ticket_tag", 2L);
    assertEquals(expected, written);
    JsonNode status = find(r.get("tables"), "table", "status");
    assertEquals(3, status.get("rowsSkippedAsSeed").asLong());
    assertEquals(4, status.get("rowsArrived").asLong());
    assertEquals(1, find(r.get("tables"), "table", "app_meta").get("rowsSkippedAsSeed").asLong());

    // per step: each route's rows in and out, and what it dropped
    JsonNode steps = r.get("steps");
    assertEquals(3, steps.size());
    JsonNode v12 = find(steps, "name", "V1ToV2");
    assertEquals(List.of(2L, 2L), inOut(route(v12, "agent", "staff")));
    assertEquals(List.of(5L, 4L), inOut(route(v12, "status", "status"))); // 'deleted' filtered
    assertEquals(List.of(3L, 2L), inOut(route(v12, "ticket", "ticket"))); // ticket 3 deleted
    assertEquals(List.of(3L, 3L), inOut(route(v12, "customer", "customer")));
    assertEquals(Map.of("session", 1L), counts(v12.get("droppedTables")));
    JsonNode v23 = find(steps, "name", "V2ToV3");
    assertEquals(List.of(3L, 3L), inOut(route(v23, "customer", "customer")));
    assertEquals(List.of(3L, 2L), inOut(route(v23, "customer", "address")));
    JsonNode tickets = route(v23, "ticket", "ticket");
    assertEquals(List.of(2L, 2L), inOut(tickets));
    // only ticket 1 had tags ('Billing, urgent'); ticket 3's 'spam' was filtered a step before
    assertEquals(Map.of("tags", 1L), counts(tickets.get("droppedColumns")));
    assertEquals(List.of(2L, 2L), inOut(route(v23, "ticket", "tag")));
    assertEquals(List.of(2L, 2L), inOut(route(v23, "ticket", "ticket_tag")));
    assertEquals(Map.of("audit_log", 2L), counts(v23.get("droppedTables")));
    JsonNode v34 = find(steps, "name", "V3ToV4");
    JsonNode address = route(v34, "address", "address");
    assertEquals(List.of(2L, 2L), inOut(address));
    assertEquals(Map.of("country_code", 2L), counts(address.get("droppedColumns")));
    assertEquals(List.of(2L, 2L), inOut(route(v34, "ticket", "ticket")));
    // country is read as V3ToV4's lookup, then dropped by it: its 6 rows are reported dropped
    assertEquals(Map.of("country", 6L), counts(v34.get("droppedTables")));

    JsonNode sources = r.get("sources");
    assertEquals(1, find(sources, "table", "session").get("rowsRead").asLong());
    assertEquals(
        "dropped by step V1ToV2 (1 → 2)",
        find(sources, "table", "session").get("dropped").asText());
    assertEquals(6, find(sources, "table", "country").get("rowsRead").asLong());
    assertEquals(3, find(sources, "table", "ticket").get("rowsRead").asLong());

    List<String> checks = new ArrayList<>();
    for (JsonNode c : r.get("checks")) {
      checks.add(c.get("name").asText());
      assertTrue(c.get("passed").asBoolean(), c.toString());
    }
    assertEquals(
        List.of(
            "archive checksums",
            "schema version",
            "row counts",
            "integrity_check",
            "foreign_key_check"),
        checks);
  }

  @Test
  void aDowngradeThroughTheDownStepReportsWhatItLoses() throws Exception {
    // the small database at release 4, where a user then resolves ticket 2
    Path r4db = dir.resolve("r4.db");
    porter("import", archive, "--db", r4db, "--app", app).expect(0);
    AppCli.exec(r4db, "UPDATE ticket SET status = 'resolved' WHERE id = 2");
    Path r4 = dir.resolve("r4.porter");
    porter("export", "--db", r4db, "--app", app, "-o", r4).expect(0);

    Path db = dir.resolve("r3.db");
    Path report = dir.resolve("down.json");
    porter("import", r4, "--db", db, "--app", app, "--to", "3", "--report", report).expect(0);
    assertEquals("3", AppCli.helpdeskRelease(db));
    // priorities back to numbers, 'resolved' back to 'closed'
    assertEquals(
        List.of(List.of(1L, "open", 1L), List.of(2L, "closed", 2L)),
        AppCli.query(db, "SELECT id, status, priority FROM ticket ORDER BY id"));
    // New Zealand has a code in release 3; Iceland (a user's country) loses its country
    assertEquals(
        List.of(List.of(1L, "NZ"), java.util.Arrays.asList(3L, null)),
        AppCli.query(db, "SELECT id, country_code FROM address ORDER BY id"));

    JsonNode r = JSON.readTree(Files.readString(report));
    assertEquals("4", r.get("fromVersion").asText());
    assertEquals("3", r.get("toVersion").asText());
    JsonNode step = find(r.get("steps"), "name", "V4ToV3");
    // both tickets had an SLA (4 and 24 hours): lost, and counted
    assertEquals(
        Map.of("sla_hours", 2L), counts(route(step, "ticket", "ticket").get("droppedColumns")));
    assertEquals(List.of(5L, 4L), inOut(route(step, "status", "status")));
    // release 3's status baseline lacks only the user's 'escalated'
    JsonNode status = find(r.get("tables"), "table", "status");
    assertEquals(1, status.get("rowsWritten").asLong());
    assertEquals(3, status.get("baselineRows").asLong());
  }

  static List<Long> inOut(JsonNode route) {
    return List.of(route.get("rowsIn").asLong(), route.get("rowsOut").asLong());
  }
}
