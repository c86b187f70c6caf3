package dev.porter.transforms;

import static dev.porter.transforms.StepHarness.catalog;
import static dev.porter.transforms.StepHarness.row;
import static dev.porter.transforms.StepHarness.rows;
import static dev.porter.transforms.StepHarness.run;
import static dev.porter.transforms.StepHarness.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.model.LogicalType;
import dev.porter.core.model.Utf8Text;
import dev.porter.core.transform.Catalog;
import dev.porter.core.transform.FlowColumn;
import dev.porter.core.transform.FlowTable;
import dev.porter.core.transform.LookupSpec;
import dev.porter.core.transform.Route;
import dev.porter.core.transform.RowOp;
import dev.porter.transforms.StepHarness.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each operation of the transform API, driven through the engine's seam on hand-written rows. */
class TableStepsTest {

  /** A step declared inline, named for the messages. */
  static final class TestStep extends Transform {
    private final String name;
    private final Consumer<Steps> definition;

    TestStep(String name, Consumer<Steps> definition) {
      super("1", "2");
      this.name = name;
      this.definition = definition;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    protected void define(Steps s) {
      definition.accept(s);
    }
  }

  static TestStep step(Consumer<Steps> definition) {
    return new TestStep("TestStep", definition);
  }

  static final FlowTable AGENT =
      table("agent", "id:integer", "full_name:text", "email", "role:text");

  static Map<String, List<Object[]>> agents() {
    Map<String, List<Object[]>> m = new LinkedHashMap<>();
    m.put(
        "agent",
        rows(
            row(1L, "Ada Lovelace", "ada@helpdesk.example", "admin"),
            row(2L, "Grace Hopper", null, "agent")));
    return m;
  }

  static void assertRows(List<Object[]> expected, List<Object[]> actual) {
    assertEquals(lists(expected), lists(actual));
  }

  static List<List<Object>> lists(List<Object[]> rows) {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(Arrays.asList(r));
    }
    return out;
  }

  static List<String> names(FlowTable t) {
    return t.columnNames();
  }

  static String refusal(TestStep s, Catalog c) {
    dev.porter.core.PorterException e =
        assertThrows(dev.porter.core.PorterException.class, () -> s.plan(c));
    assertEquals(dev.porter.core.ErrorCategory.REFUSED, e.category());
    return e.getMessage();
  }

  // --- tables ---

  @Test
  void aTableTheStepDoesNotMentionPassesThroughUnchanged() {
    Result r = run(step(s -> {}), catalog(AGENT), agents());
    Route route = r.route("agent", "agent");
    assertSame(RowOp.IDENTITY, route.op());
    assertEquals(List.of(), route.description());
    assertEquals(List.of(), route.droppedColumns());
    assertEquals(AGENT, r.plan().output().table("agent"));
    assertRows(agents().get("agent"), r.rows("agent"));
  }

  @Test
  void renameTableKeepsRowsAndColumns() {
    Result r = run(step(s -> s.renameTable("agent", "staff")), catalog(AGENT), agents());
    assertFalse(r.plan().output().has("agent"));
    assertEquals(
        List.of("id", "full_name", "email", "role"), names(r.plan().output().table("staff")));
    assertEquals(List.of("renamed table agent → staff"), r.route("agent", "staff").description());
    assertRows(agents().get("agent"), r.rows("staff"));
  }

  @Test
  void renameTableRefusesATakenNameAndAnUnknownTable() {
    FlowTable staff = table("staff", "id");
    assertEquals(
        "step TestStep (1 → 2) cannot rename table agent to staff: a table of that name exists",
        refusal(step(s -> s.renameTable("agent", "staff")), catalog(AGENT, staff)));
    assertEquals(
        "step TestStep (1 → 2) has no table agents (tables: agent)",
        refusal(step(s -> s.renameTable("agents", "staff")), catalog(AGENT)));
  }

  @Test
  void aRenamedTableIsAddressedByItsNewNameOnly() {
    String m =
        refusal(
            step(
                s -> {
                  s.renameTable("agent", "staff");
                  s.table("agent");
                }),
            catalog(AGENT));
    assertEquals("step TestStep (1 → 2) has no table agent (tables: staff)", m);
  }

  @Test
  void dropTableLeavesNoRouteAndIsDeclaredUnderItsInputName() {
    FlowTable session = table("session", "token", "agent_id");
    Map<String, List<Object[]>> in = agents();
    in.put("session", rows(row("t1", 1L)));
    Result r =
        run(
            step(
                s -> {
                  s.renameTable("session", "sessions");
                  s.dropTable("sessions");
                }),
            catalog(AGENT, session),
            in);
    assertEquals(List.of("session"), r.plan().droppedTables());
    assertFalse(r.plan().output().has("session"));
    assertFalse(r.plan().output().has("sessions"));
    assertTrue(r.plan().routes().stream().noneMatch(x -> x.from().equals("session")));
    assertEquals(List.of("agent"), new ArrayList<>(r.rows().keySet()));
  }

  @Test
  void hasTableAndInputSeeTheStepsState() {
    List<Boolean> seen = new ArrayList<>();
    step(s -> {
          seen.add(s.hasTable("agent"));
          s.renameTable("agent", "staff");
          seen.add(s.hasTable("agent"));
          seen.add(s.hasTable("staff"));
          seen.add(s.input().has("agent"));
        })
        .plan(catalog(AGENT));
    assertEquals(List.of(true, false, true, true), seen);
  }

  // --- columns ---

  @Test
  void renameColumnKeepsPositionTypeAndValues() {
    Result r =
        run(
            step(s -> s.table("agent").renameColumn("full_name", "name")),
            catalog(AGENT),
            agents());
    FlowTable out = r.plan().output().table("agent");
    assertEquals(List.of("id", "name", "email", "role"), names(out));
    assertEquals(LogicalType.TEXT, out.column("name").type());
    assertEquals(
        List.of("renamed column full_name → name"), r.route("agent", "agent").description());
    assertRows(agents().get("agent"), r.rows("agent"));
    assertEquals(List.of(), r.route("agent", "agent").droppedColumns());
  }

  @Test
  void renameColumnRefusesAnUnknownColumnNamingStepTableAndColumn() {
    assertEquals(
        "step TestStep (1 → 2) expects table agent to have column fullname, but it has [id,"
            + " full_name, email, role]",
        refusal(step(s -> s.table("agent").renameColumn("fullname", "name")), catalog(AGENT)));
  }

  @Test
  void renameColumnRefusesATakenName() {
    String m =
        refusal(step(s -> s.table("agent").renameColumn("full_name", "email")), catalog(AGENT));
    assertTrue(m.startsWith("step TestStep (1 → 2) "), m);
    assertTrue(m.contains("column email") && m.contains("table agent"), m);
  }

  @Test
  void dropColumnRemovesValuesAndReportsInputNames() {
    Result r =
        run(
            step(
                s ->
                    s.table("agent").renameColumn("full_name", "name").dropColumn("name", "email")),
            catalog(AGENT),
            agents());
    assertEquals(List.of("id", "role"), names(r.plan().output().table("agent")));
    assertRows(rows(row(1L, "admin"), row(2L, "agent")), r.rows("agent"));
    // the loss is reported under the archive's (input) column names
    assertEquals(List.of("full_name", "email"), r.route("agent", "agent").droppedColumns());
  }

  @Test
  void dropColumnRefusesAnUnknownColumn() {
    assertEquals(
        "step TestStep (1 → 2) expects table agent to have column phone, but it has [id,"
            + " full_name, email, role]",
        refusal(step(s -> s.table("agent").dropColumn("phone")), catalog(AGENT)));
  }

  @Test
  void keepColumnsReordersAndDropsTheRest() {
    Result r = run(step(s -> s.table("agent").keepColumns("role", "id")), catalog(AGENT), agents());
    assertEquals(List.of("role", "id"), names(r.plan().output().table("agent")));
    assertRows(rows(row("admin", 1L), row("agent", 2L)), r.rows("agent"));
    assertEquals(List.of("full_name", "email"), r.route("agent", "agent").droppedColumns());
    assertEquals(
        List.of("dropped columns full_name, email"), r.route("agent", "agent").description());
  }

  @Test
  void addColumnWithAConstant() {
    Result r =
        run(
            step(s -> s.table("agent").addColumn("active", LogicalType.INTEGER, 1L)),
            catalog(AGENT),
            agents());
    FlowTable out = r.plan().output().table("agent");
    assertEquals(new FlowColumn("active", LogicalType.INTEGER), out.columns().get(4));
    assertRows(
        rows(
            row(1L, "Ada Lovelace", "ada@helpdesk.example", "admin", 1L),
            row(2L, "Grace Hopper", null, "agent", 1L)),
        r.rows("agent"));
  }

  @Test
  void addColumnRefusesAnExistingName() {
    assertEquals(
        "step TestStep (1 → 2) cannot add column email to table agent: it exists",
        refusal(
            step(s -> s.table("agent").addColumn("email", LogicalType.TEXT, "x")), catalog(AGENT)));
  }

  @Test
  void computedColumnSeesTheRowAsTheEarlierOperationsLeftIt() {
    Result r =
        run(
            step(
                s ->
                    s.table("agent")
                        .renameColumn("full_name", "name")
                        .convert("name", n -> ((String) n).toUpperCase(Locale.ROOT))
                        .addColumn(
                            "login",
                            LogicalType.TEXT,
                            rec -> rec.getString("name").split(" ")[0] + rec.getLong("id"))),
            catalog(AGENT),
            agents());
    assertEquals(LogicalType.TEXT, r.plan().output().table("agent").column("login").type());
    assertRows(
        rows(
            row(1L, "ADA LOVELACE", "ada@helpdesk.example", "admin", "ADA1"),
            row(2L, "GRACE HOPPER", null, "agent", "GRACE2")),
        r.rows("agent"));
  }

  /**
   * A column is found by its name however the name was made: a literal (the same interned string as
   * the column's) or a string built at run time, which is equal but not the same object.
   */
  @Test
  void aColumnIsFoundByAnEqualNameAsByTheSameString() {
    StringBuilder built = new StringBuilder("e");
    built.append("mail");
    String email = built.toString();
    Result r =
        run(
            step(
                s ->
                    s.table("agent")
                        .addColumn(
                            "contact",
                            LogicalType.TEXT,
                            rec -> rec.get(email) + "|" + rec.get("role") + "|" + rec.get("id"))),
            catalog(AGENT),
            agents());
    assertRows(
        rows(
            row(
                1L,
                "Ada Lovelace",
                "ada@helpdesk.example",
                "admin",
                "ada@helpdesk.example|admin|1"),
            row(2L, "Grace Hopper", null, "agent", "null|agent|2")),
        r.rows("agent"));
  }

  @Test
  void aComputedColumnReadingARenamedColumnByItsOldNameFailsNamingTableAndColumn() {
    TestStep s =
        step(
            x ->
                x.table("agent")
                    .renameColumn("full_name", "name")
                    .addColumn("n", LogicalType.TEXT, rec -> rec.get("full_name")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> run(s, catalog(AGENT), agents()));
    assertTrue(
        e.getMessage().startsWith("table agent has no column full_name at this point"),
        e.getMessage());
    assertTrue(e.getMessage().contains("(it has [id, name, email, role])"), e.getMessage());
  }

  @Test
  void convertChangesValuesAndOptionallyTheType() {
    Result r =
        run(
            step(
                s ->
                    s.table("agent")
                        .convert("email", e -> e == null ? "none" : e)
                        .convert("id", LogicalType.TEXT, id -> "A-" + id)),
            catalog(AGENT),
            agents());
    FlowTable out = r.plan().output().table("agent");
    assertEquals(LogicalType.TEXT, out.column("id").type());
    assertEquals(LogicalType.ANY, out.column("email").type());
    assertEquals(List.of("id", "full_name", "email", "role"), names(out));
    assertRows(
        rows(
            row("A-1", "Ada Lovelace", "ada@helpdesk.example", "admin"),
            row("A-2", "Grace Hopper", "none", "agent")),
        r.rows("agent"));
    assertEquals(
        List.of("converted column email", "converted column id to text"),
        r.route("agent", "agent").description());
  }

  @Test
  void filterDropsRowsBeforeLaterOperationsSeeThem() {
    // the conversion would fail on the filtered row: it must never reach it
    Result r =
        run(
            step(
                s ->
                    s.table("agent")
                        .filter(rec -> rec.get("email") != null)
                        .convert("email", e -> ((String) e).toUpperCase(Locale.ROOT))),
            catalog(AGENT),
            agents());
    assertRows(rows(row(1L, "Ada Lovelace", "ADA@HELPDESK.EXAMPLE", "admin")), r.rows("agent"));
    assertEquals(
        List.of("filtered rows", "converted column email"),
        r.route("agent", "agent").description());
  }

  @Test
  void filterSeesValuesAsEarlierOperationsLeftThem() {
    Result r =
        run(
            step(
                s ->
                    s.table("agent")
                        .convert("role", x -> "agent".equals(x) ? "viewer" : x)
                        .filter(rec -> !"viewer".equals(rec.get("role")))),
            catalog(AGENT),
            agents());
    assertRows(rows(row(1L, "Ada Lovelace", "ada@helpdesk.example", "admin")), r.rows("agent"));
  }

  @Test
  void mapChangesValuesInJavaWithoutChangingColumns() {
    Result r =
        run(
            step(
                s ->
                    s.table("agent")
                        .map(
                            rec ->
                                rec.getLong("id") == 2L
                                    ? rec.with("role", "admin").with("email", "grace@x")
                                    : rec)),
            catalog(AGENT),
            agents());
    assertEquals(
        List.of("id", "full_name", "email", "role"), names(r.plan().output().table("agent")));
    assertRows(
        rows(
            row(1L, "Ada Lovelace", "ada@helpdesk.example", "admin"),
            row(2L, "Grace Hopper", "grace@x", "admin")),
        r.rows("agent"));
  }

  @Test
  void typesShowTheDeclaredTypesSoFar() {
    List<Map<String, LogicalType>> seen = new ArrayList<>();
    step(s ->
            seen.add(
                s.table("agent")
                    .convert("id", LogicalType.TEXT, x -> x)
                    .addColumn("n", LogicalType.REAL, 1.5)
                    .types()))
        .plan(catalog(AGENT));
    Map<String, LogicalType> expected = new LinkedHashMap<>();
    expected.put("id", LogicalType.TEXT);
    expected.put("full_name", LogicalType.TEXT);
    expected.put("email", LogicalType.ANY);
    expected.put("role", LogicalType.TEXT);
    expected.put("n", LogicalType.REAL);
    assertEquals(List.of(expected), seen);
  }

  // --- fold ---

  static final FlowTable ADDRESS = table("address", "id:integer", "country_code:text");
  static final FlowTable COUNTRY = table("country", "code:text", "name:text");

  static Map<String, List<Object[]>> addresses() {
    Map<String, List<Object[]>> m = new LinkedHashMap<>();
    m.put("address", rows(row(1L, "DE"), row(2L, "XX"), row(3L, null), row(4L, "IS")));
    m.put("country", rows(row("DE", "Germany"), row("IS", "Iceland"), row("FR", "France")));
    return m;
  }

  @Test
  void foldTakesColumnsFromTheMatchingRowAndNullWithoutOne() {
    Result r =
        run(
            step(
                s -> {
                  s.table("address")
                      .fold("country", "country_code", "code", "country_name=name")
                      .dropColumn("country_code");
                  s.dropTable("country");
                }),
            catalog(ADDRESS, COUNTRY),
            addresses());
    assertEquals(List.of(new LookupSpec("country", List.of("code"))), r.plan().lookups());
    Route route = r.route("address", "address");
    assertEquals(List.of("country"), route.lookups());
    assertEquals(List.of("country_code"), route.droppedColumns());
    FlowTable out = r.plan().output().table("address");
    assertEquals(List.of("id", "country_name"), names(out));
    assertEquals(LogicalType.TEXT, out.column("country_name").type());
    assertRows(
        rows(row(1L, "Germany"), row(2L, null), row(3L, null), row(4L, "Iceland")),
        r.rows("address"));
    assertEquals(List.of("country"), r.plan().droppedTables());
  }

  @Test
  void foldReadsTheLookupTableAtTheStepsInputVersion() {
    // the lookup table is renamed in the same step; the fold still names it as it arrives
    Result r =
        run(
            step(
                s -> {
                  s.renameTable("country", "nation");
                  s.table("nation").renameColumn("name", "label");
                  s.table("address").fold("country", "country_code", "code", "cn=name");
                }),
            catalog(ADDRESS, COUNTRY),
            addresses());
    assertRows(
        rows(
            row(1L, "DE", "Germany"),
            row(2L, "XX", null),
            row(3L, null, null),
            row(4L, "IS", "Iceland")),
        r.rows("address"));
    assertRows(addresses().get("country"), r.rows("nation"));
  }

  @Test
  void foldRefusalsNameStepTableAndColumn() {
    Catalog c = catalog(ADDRESS, COUNTRY);
    assertEquals(
        "step TestStep (1 → 2) cannot look up table nation: release 1 has no such table",
        refusal(step(s -> s.table("address").fold("nation", "country_code", "code", "n=name")), c));
    assertEquals(
        "step TestStep (1 → 2) cannot look up table country by iso: it has no such column",
        refusal(step(s -> s.table("address").fold("country", "country_code", "iso", "n=name")), c));
    assertEquals(
        "step TestStep (1 → 2) folds column label of table country, which it lacks",
        refusal(
            step(s -> s.table("address").fold("country", "country_code", "code", "n=label")), c));
    assertEquals(
        "step TestStep (1 → 2) fold expects newColumn=lookupColumn, got name",
        refusal(step(s -> s.table("address").fold("country", "country_code", "code", "name")), c));
    assertEquals(
        "step TestStep (1 → 2) expects table address to have column cc, but it has [id,"
            + " country_code]",
        refusal(step(s -> s.table("address").fold("country", "cc", "code", "n=name")), c));
    assertEquals(
        "step TestStep (1 → 2) cannot add column id to table address: it exists",
        refusal(
            step(s -> s.table("address").fold("country", "country_code", "code", "id=name")), c));
    assertEquals(
        "step TestStep (1 → 2) looks up table country by two different keys",
        refusal(
            step(
                s ->
                    s.table("address")
                        .fold("country", "country_code", "code", "a=name")
                        .fold("country", "country_code", "name", "b=code")),
            c));
  }

  // --- split, derive, distinct ---

  static final FlowTable CUSTOMER = table("customer", "id:integer", "name:text", "street", "city");

  static Map<String, List<Object[]>> customers() {
    Map<String, List<Object[]>> m = new LinkedHashMap<>();
    m.put(
        "customer",
        rows(
            row(1L, "Ada", "12 Hopper Street", "berlin"),
            row(2L, "Linus", null, null),
            row(3L, "Grace", "7 Kay Street", null)));
    return m;
  }

  @Test
  void splitGivesTheNewTableTheRowsAsTheyWereAtTheSplit() {
    Result r =
        run(
            step(
                s ->
                    s.table("customer")
                        .convert(
                            "city", c -> c == null ? null : ((String) c).toUpperCase(Locale.ROOT))
                        .split(
                            "address",
                            a ->
                                a.filter(rec -> rec.get("street") != null)
                                    .renameColumn("id", "customer_id")
                                    .keepColumns("customer_id", "street", "city"))
                        .dropColumn("street", "city")
                        .convert("name", n -> n + "!")),
            catalog(CUSTOMER),
            customers());
    assertEquals(List.of("id", "name"), names(r.plan().output().table("customer")));
    assertEquals(
        List.of("customer_id", "street", "city"), names(r.plan().output().table("address")));
    // the conversion before the split reaches both; the one after it only the customer
    assertRows(rows(row(1L, "Ada!"), row(2L, "Linus!"), row(3L, "Grace!")), r.rows("customer"));
    assertRows(
        rows(row(1L, "12 Hopper Street", "BERLIN"), row(3L, "7 Kay Street", null)),
        r.rows("address"));
    // each route drops columns the other keeps: no column of customer is lost
    assertEquals(List.of(), r.route("customer", "customer").droppedColumns());
    assertEquals(List.of(), r.route("customer", "address").droppedColumns());
    assertTrue(r.route("customer", "customer").description().contains("split off table address"));
    assertEquals("split from table customer", r.route("customer", "address").description().get(1));
  }

  @Test
  void splitRefusesAnExistingTableName() {
    assertEquals(
        "step TestStep (1 → 2) cannot create table agent: a table of that name exists",
        refusal(step(s -> s.table("customer").split("agent", a -> {})), catalog(CUSTOMER, AGENT)));
  }

  static final FlowTable TICKET = table("ticket", "id:integer", "tags:text");

  static Map<String, List<Object[]>> tickets() {
    Map<String, List<Object[]>> m = new LinkedHashMap<>();
    m.put("ticket", rows(row(1L, "b,a"), row(2L, null), row(3L, "a,c,a"), row(4L, "")));
    return m;
  }

  static List<String> split(Object tags) {
    List<String> out = new ArrayList<>();
    if (tags != null) {
      for (String t : ((String) tags).split(",")) {
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  @Test
  void deriveCreatesAnyNumberOfRowsPerInputRow() {
    Result r =
        run(
            step(
                s ->
                    s.table("ticket")
                        .derive(
                            "tag",
                            List.of(Column.of("name", LogicalType.TEXT)),
                            (rec, out) ->
                                split(rec.get("tags"))
                                    .forEach(t -> out.accept(Record.of("name", t))),
                            t -> t.distinct())
                        .derive(
                            "ticket_tag",
                            List.of(
                                Column.of("ticket_id", LogicalType.INTEGER),
                                Column.of("tag", LogicalType.TEXT)),
                            (rec, out) ->
                                split(rec.get("tags"))
                                    .forEach(
                                        t ->
                                            out.accept(
                                                Record.of("ticket_id", rec.get("id"), "tag", t))),
                            t -> t.convert("tag", x -> ((String) x).toUpperCase(Locale.ROOT)))
                        .dropColumn("tags")),
            catalog(TICKET),
            tickets());
    assertEquals(
        List.of(new FlowColumn("name", LogicalType.TEXT)),
        r.plan().output().table("tag").columns());
    assertEquals(List.of("name"), r.route("ticket", "tag").distinctOn());
    assertEquals(List.of(), r.route("ticket", "ticket_tag").distinctOn());
    assertRows(rows(row("b"), row("a"), row("c")), r.rows("tag"));
    assertRows(
        rows(row(1L, "B"), row(1L, "A"), row(3L, "A"), row(3L, "C"), row(3L, "A")),
        r.rows("ticket_tag"));
    assertRows(rows(row(1L), row(2L), row(3L), row(4L)), r.rows("ticket"));
    // tags survive in no route: reported lost once, on the table's first route
    assertEquals(List.of("tags"), r.route("ticket", "ticket").droppedColumns());
    assertEquals(List.of(), r.route("ticket", "tag").droppedColumns());
    assertEquals(List.of(), r.route("ticket", "ticket_tag").droppedColumns());
  }

  @Test
  void aDerivedRowMissingAColumnFailsAtRowTime() {
    TestStep s =
        step(
            x ->
                x.table("ticket")
                    .derive(
                        "tag",
                        List.of(Column.of("name", LogicalType.TEXT)),
                        (rec, out) -> out.accept(Record.of("label", "x")),
                        t -> {}));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> run(s, catalog(TICKET), tickets()));
    assertTrue(e.getMessage().contains("no column name"), e.getMessage());
  }

  @Test
  void distinctOnKeepsTheFirstRowOfEachKey() {
    Map<String, List<Object[]>> in = new LinkedHashMap<>();
    in.put("ticket", rows(row(1L, "a"), row(2L, "a"), row(3L, "b"), row(4L, null), row(5L, null)));
    Result r = run(step(s -> s.table("ticket").distinctOn("tags")), catalog(TICKET), in);
    assertEquals(List.of("tags"), r.route("ticket", "ticket").distinctOn());
    assertRows(rows(row(1L, "a"), row(3L, "b"), row(4L, null)), r.rows("ticket"));
  }

  @Test
  void distinctOnAColumnDroppedAfterwardsFailsThePlan() {
    TestStep s = step(x -> x.table("ticket").distinctOn("tags").dropColumn("tags"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> s.plan(catalog(TICKET)));
    assertTrue(e.getMessage().contains("table ticket"), e.getMessage());
  }

  @Test
  void aStepThatProducesOneTableTwiceIsRefused() {
    FlowTable other = table("other", "id");
    assertEquals(
        "step TestStep (1 → 2) produces table address twice",
        refusal(
            step(
                s -> {
                  s.table("customer").split("address", a -> {});
                  s.renameTable("other", "address");
                }),
            catalog(CUSTOMER, other)));
  }

  // --- the step itself, and records ---

  /** A step with its default name. */
  static final class RenameAgents extends Transform {
    RenameAgents() {
      super("1.9", "1.10");
    }

    @Override
    protected void define(Steps s) {
      s.renameTable("agent", "staff");
    }
  }

  @Test
  void aStepDeclaresItsVersionsAndIsNamedAfterItsClass() {
    RenameAgents s = new RenameAgents();
    assertEquals("RenameAgents", s.name());
    assertEquals("1.9", s.from().toString());
    assertEquals("1.10", s.to().toString());
    assertTrue(s.from().compareTo(s.to()) < 0, "1.10 comes after 1.9");
    String m =
        assertThrows(dev.porter.core.PorterException.class, () -> s.plan(catalog(CUSTOMER)))
            .getMessage();
    assertEquals("step RenameAgents (1.9 → 1.10) has no table agent (tables: customer)", m);
  }

  @Test
  void eachPlanIsIndependent() {
    RenameAgents s = new RenameAgents();
    Catalog a = s.plan(catalog(AGENT)).output();
    Catalog b = s.plan(catalog(AGENT, CUSTOMER)).output();
    assertEquals(List.of("staff"), a.tables().stream().map(FlowTable::name).toList());
    assertEquals(List.of("customer", "staff"), b.tables().stream().map(FlowTable::name).toList());
  }

  @Test
  void recordAccessors() {
    Record r = Record.of("id", 7L, "n", "42", "x", null, "d", "2.5");
    assertEquals(List.of("id", "n", "x", "d"), r.columns());
    assertEquals(42L, r.getLong("n"));
    assertEquals(7L, r.getLong("id"));
    assertNull(r.getLong("x"));
    assertEquals(2.5, r.getDouble("d"));
    assertEquals(7.0, r.getDouble("id"));
    assertEquals("7", r.getString("id"));
    assertTrue(r.has("x"));
    assertFalse(r.has("y"));
    Record w = r.with("x", "set");
    assertEquals("set", w.get("x"));
    assertNull(r.get("x"), "with returns a copy");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.get("y"));
    assertTrue(e.getMessage().contains("no column y"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.with("y", 1L));
    assertThrows(IllegalArgumentException.class, () -> Record.of("id"));
  }

  // --- ASCII text carried as bytes (RowOp#takesUtf8Text) ---

  static Utf8Text ascii(String s) {
    return Utf8Text.owning(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void theAppsFunctionsSeeStringsWhereTheRowsCarryTextAsBytes() {
    Utf8Text email = ascii("ada@helpdesk.example");
    Map<String, List<Object[]>> in = new LinkedHashMap<>();
    in.put("agent", rows(row(1L, ascii("Ada Lovelace"), email, ascii("admin"))));
    Result r =
        run(
            step(
                s ->
                    s.table("agent")
                        .convert("full_name", v -> ((String) v).toUpperCase(Locale.ROOT))
                        .filter(rec -> ((String) rec.get("role")).startsWith("ad"))
                        .addColumn(
                            "shown",
                            LogicalType.TEXT,
                            rec -> rec.getString("role") + ":" + rec.with("id", 2L).get("role"))),
            catalog(AGENT),
            in);
    assertTrue(r.route("agent", "agent").op().takesUtf8Text());
    List<Object[]> out = r.rows("agent");
    assertEquals(1, out.size());
    assertEquals(
        List.of(1L, "ADA LOVELACE", email, ascii("admin"), "admin:admin"), lists(out).get(0));
    assertSame(email, out.get(0)[2], "a value no step reads passes on as it came");
  }

  @Test
  void aFoldMatchesAKeyCarriedAsBytes() {
    Map<String, List<Object[]>> in = addresses();
    in.put("address", rows(row(1L, ascii("IS"))));
    Result r =
        run(
            step(s -> s.table("address").fold("country", "country_code", "code", "cn=name")),
            catalog(ADDRESS, COUNTRY),
            in);
    assertEquals(List.of(1L, ascii("IS"), "Iceland"), lists(r.rows("address")).get(0));
  }

  @Test
  void onlyOpsThatGiveTheAppStringsTakeTextAsBytes() {
    assertTrue(RowOp.IDENTITY.takesUtf8Text());
    RowOp custom = (row, lookups, out) -> out.accept(row);
    assertFalse(custom.takesUtf8Text());
  }

  // --- records the app's code keeps ---

  @Test
  void aRecordAFunctionKeepsStaysAsTheFunctionSawIt() {
    List<Record> kept = new ArrayList<>();
    Function<Record, Object> keepAndCount =
        rec -> {
          kept.add(rec);
          return 1L;
        };
    UnaryOperator<Record> keepAndChange =
        rec -> {
          kept.add(rec);
          return rec.with("email", "x@example");
        };
    TestStep keeping =
        step(
            s ->
                s.table("agent")
                    .addColumn("n", LogicalType.INTEGER, keepAndCount)
                    .filter(kept::add)
                    .convert("role", v -> "changed")
                    .map(keepAndChange)
                    .convert("full_name", v -> "someone"));
    Result r = run(keeping, catalog(AGENT), agents());
    assertRows(
        rows(
            row(1L, "someone", "x@example", "changed", 1L),
            row(2L, "someone", "x@example", "changed", 1L)),
        r.rows("agent"));
    assertEquals(6, kept.size());
    assertEquals(
        List.of("admin", "admin"), List.of(kept.get(0).get("role"), kept.get(1).get("role")));
    assertEquals("changed", kept.get(2).get("role"), "map's record shows the convert before it");
    assertEquals("ada@helpdesk.example", kept.get(2).get("email"));
    assertEquals("Ada Lovelace", kept.get(2).get("full_name"));
    assertEquals("agent", kept.get(3).get("role"));
    assertNull(kept.get(5).get("email"));
    assertEquals(List.of("id", "full_name", "email", "role"), kept.get(0).columns());
    assertTrue(kept.get(1).has("n"), "filter's record has the column added before it");
  }
}
