package dev.porter.testdata.helpdesk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.LookupSpec;
import dev.porter.core.transform.Route;
import dev.porter.core.transform.VersionStep;
import dev.porter.transforms.StepHarness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each step of the helpdesk app, on hand-written input rows, gives the hand-written output rows
 * (fixtures in test-data's resources under dev/porter/testdata/transforms/), driven through the
 * seam the engine uses.
 */
class GoldenStepsTest {

  static VersionStep step(String name) {
    return switch (name) {
      case "V1ToV2" -> new V1ToV2();
      case "V2ToV3" -> new V2ToV3();
      case "V3ToV4" -> new V3ToV4();
      case "V4ToV3" -> new V4ToV3();
      default -> throw new IllegalArgumentException(name);
    };
  }

  static StepHarness.Result run(String step, String kase) throws Exception {
    GoldenFixture in = GoldenFixture.read(step + "/" + kase + "/input.jsonl");
    return StepHarness.run(step(step), in.catalog(), in.rows());
  }

  static List<List<Object>> lists(List<Object[]> rows) {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(Arrays.asList(r));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"V1ToV2, basic", "V2ToV3, basic", "V3ToV4, basic", "V4ToV3, basic"})
  void stepGivesTheHandCheckedRows(String step, String kase) throws Exception {
    GoldenFixture expected = GoldenFixture.read(step + "/" + kase + "/expected.jsonl");
    StepHarness.Result actual = run(step, kase);
    TreeSet<String> actualTables = new TreeSet<>();
    for (FlowTable t : actual.plan().output().tables()) {
      actualTables.add(t.name());
    }
    assertEquals(new TreeSet<>(expected.tables().keySet()), actualTables, "output tables");
    for (Map.Entry<String, FlowTable> e : expected.tables().entrySet()) {
      String t = e.getKey();
      assertEquals(e.getValue(), actual.plan().output().table(t), "columns of table " + t);
      assertEquals(lists(expected.rows().get(t)), lists(actual.rows(t)), "rows of table " + t);
    }
  }

  @Test
  void v1ToV2DropsSessionsAndReportsNoColumnLost() throws Exception {
    StepHarness.Result r = run("V1ToV2", "basic");
    assertEquals(List.of("session"), r.plan().droppedTables());
    assertEquals(List.of(), r.route("agent", "staff").droppedColumns());
    assertEquals(List.of(), r.route("ticket", "ticket").droppedColumns());
    assertEquals(
        List.of(
            "renamed table agent → staff",
            "renamed column full_name → name",
            "converted column role to integer",
            "renamed column role → role_id"),
        r.route("agent", "staff").description());
  }

  @Test
  void v1ToV2FailsOnARoleItDoesNotKnowNamingIt() throws Exception {
    GoldenFixture in = GoldenFixture.read("V1ToV2/basic/input.jsonl");
    Map<String, List<Object[]>> rows = new java.util.LinkedHashMap<>(in.rows());
    rows.put(
        "agent",
        List.<Object[]>of(new Object[] {9L, "Root", "root@helpdesk.example", "superuser"}));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> StepHarness.run(new V1ToV2(), in.catalog(), rows));
    assertEquals("unknown role 'superuser'", e.getMessage());
  }

  @Test
  void v2ToV3LosesOnlyTheTagsTextAndDropsTheAuditLog() throws Exception {
    StepHarness.Result r = run("V2ToV3", "basic");
    assertEquals(List.of("audit_log"), r.plan().droppedTables());
    assertEquals(List.of("tags"), r.route("ticket", "ticket").droppedColumns());
    // street, city and country_code leave customer but reach address: not lost
    assertEquals(List.of(), r.route("customer", "customer").droppedColumns());
    assertEquals(List.of(), r.route("customer", "address").droppedColumns());
    assertEquals(List.of("name"), r.route("ticket", "tag").distinctOn());
    assertEquals(List.of(), r.route("ticket", "ticket_tag").distinctOn());
  }

  @Test
  void v3ToV4DeclaresItsLookupOnCountryCodes() throws Exception {
    StepHarness.Result r = run("V3ToV4", "basic");
    assertEquals(List.of(new LookupSpec("country", List.of("code"))), r.plan().lookups());
    Route address = r.route("address", "address");
    assertEquals(List.of("country"), address.lookups());
    assertEquals(List.of("country_code"), address.droppedColumns());
    assertEquals(List.of("country"), r.plan().droppedTables());
    assertEquals(List.of(), r.route("ticket", "ticket").lookups());
  }

  @Test
  void v4ToV3IsADownStepThatReportsTheSlaAsLost() throws Exception {
    VersionStep s = new V4ToV3();
    assertTrue(s.from().compareTo(s.to()) > 0);
    StepHarness.Result r = run("V4ToV3", "basic");
    assertEquals(List.of("sla_hours"), r.route("ticket", "ticket").droppedColumns());
    assertEquals(List.of(), r.plan().droppedTables());
  }

  @Test
  void aStepGivenTheWrongReleaseIsRefusedNamingStepTableAndColumn() throws Exception {
    // V1ToV2 on release-2 tables: there is no agent table
    GoldenFixture v2 = GoldenFixture.read("V2ToV3/basic/input.jsonl");
    PorterException e = assertThrows(PorterException.class, () -> new V1ToV2().plan(v2.catalog()));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertEquals(
        "step V1ToV2 (1 → 2) has no table agent (tables: customer, ticket, audit_log)",
        e.getMessage());
    // V3ToV4 on release-4 tables: address has no country_code to fold on
    GoldenFixture v4 = GoldenFixture.read("V4ToV3/basic/input.jsonl");
    e = assertThrows(PorterException.class, () -> new V3ToV4().plan(v4.catalog()));
    assertEquals(
        "step V3ToV4 (3 → 4) expects table address to have column country_code, but it has [id,"
            + " customer_id, street, city, country_name]",
        e.getMessage());
  }
}
