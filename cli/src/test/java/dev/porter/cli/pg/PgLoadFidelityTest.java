package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a PostgreSQL schema holds beyond plain tables survives export and import, into an empty
 * database and into the same schema created beforehand by the application: triggers fire for no
 * loaded row (and fire again afterwards), foreign-key cycles and self-references load though no
 * constraint is deferrable, an identity GENERATED ALWAYS continues where the source's did, a
 * partitioned table is exported once through its parent and its rows reach the right partitions
 * (the default one included), a generated column is recomputed rather than carried, and views and
 * materialized views carry no data.
 */
class PgLoadFidelityTest {
  /** The schema: what an application would create. */
  static final String[] SCHEMA = {
    "CREATE TABLE audit (id bigserial PRIMARY KEY, msg text NOT NULL)",
    "CREATE FUNCTION log_item() RETURNS trigger LANGUAGE plpgsql AS"
        + " $$ BEGIN INSERT INTO audit (msg) VALUES ('inserted ' || NEW.name); RETURN NEW; END $$",
    "CREATE TABLE item (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)",
    "CREATE TRIGGER item_audit AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION log_item()",
    // a cycle of two foreign keys, neither deferrable
    "CREATE TABLE a (id int PRIMARY KEY, b_id int)",
    "CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a)",
    "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b",
    "CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node)",
    "CREATE TABLE measure (id int NOT NULL, at date NOT NULL, v numeric(6,1)) PARTITION BY RANGE (at)",
    "CREATE TABLE measure_2024 PARTITION OF measure FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    "CREATE TABLE measure_other PARTITION OF measure DEFAULT",
    "CREATE TABLE line (id int PRIMARY KEY, qty int NOT NULL, price numeric(8,2) NOT NULL,"
        + " total numeric(10,2) GENERATED ALWAYS AS (qty * price) STORED)",
    "CREATE VIEW item_names AS SELECT name FROM item",
    "CREATE MATERIALIZED VIEW line_totals AS SELECT sum(total) AS s FROM line WITH NO DATA",
  };

  /** The data, written through the schema as the application would. */
  static final String[] DATA = {
    "INSERT INTO item (name) VALUES ('first'), ('second'), ('third')", // 3 audit rows
    "DELETE FROM item WHERE id = 3", // the identity is at 3: the next id is 4
    "INSERT INTO a VALUES (1, NULL)",
    "INSERT INTO b VALUES (1, 1)",
    "UPDATE a SET b_id = 1 WHERE id = 1",
    // node 2 points at node 1 and node 1 (updated last, so stored after 2) at node 2
    "INSERT INTO node VALUES (1, NULL), (2, 1), (3, 3)",
    "UPDATE node SET parent = 2 WHERE id = 1",
    "INSERT INTO measure VALUES (1, '2024-05-01', 1.5), (2, '2023-12-31', 2.5), (3, '2030-01-01', 3.5)",
    "INSERT INTO line (id, qty, price) VALUES (1, 3, 2.50), (2, 1, 9.99)",
    "REFRESH MATERIALIZED VIEW line_totals",
  };

  @TempDir static Path dir;
  static String source;
  static Path archive;

  @BeforeAll
  static void sourceAndArchive() throws Exception {
    source = TestPostgres.newDatabase();
    PgKit.sql(source, SCHEMA);
    PgKit.sql(source, DATA);
    assertEquals(3, PgKit.count(source, "SELECT count(*) FROM audit"));
    archive = dir.resolve("source.porter");
    porter("export", "--db", source, "-o", archive).expect(0);
  }

  /** The archive's members, by name. */
  static Map<String, byte[]> members() throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        out.put(e.getName(), tar.readAllBytes());
      }
    }
    return out;
  }

  static JsonNode tableEntry(JsonNode header, String name) {
    for (JsonNode t : header.get("tables")) {
      if (t.get("table").get("name").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no table " + name);
  }

  @Test
  void theArchiveHoldsTablesOnlyAndNoGeneratedValues() throws Exception {
    Map<String, byte[]> members = members();
    JsonNode header = new ObjectMapper().readTree(members.get("porter/header.json"));
    List<String> tables = new ArrayList<>();
    for (JsonNode t : header.get("tables")) {
      tables.add(t.get("table").get("name").asText());
    }
    // no partition of its own, no view, no materialized view
    assertEquals(
        List.of("a", "audit", "b", "item", "line", "measure", "node"),
        tables.stream().sorted().toList());
    for (String m : members.keySet()) {
      assertTrue(
          !m.contains("measure_") && !m.contains("item_names") && !m.contains("line_totals"), m);
    }

    JsonNode line = tableEntry(header, "line");
    List<String> generated = new ArrayList<>();
    for (JsonNode c : line.get("table").get("columns")) {
      generated.add(c.get("name").asText() + "=" + c.get("generated").asText());
    }
    assertEquals(List.of("id=no", "qty=no", "price=no", "total=stored"), generated);
    // the data member has a field for every column but the generated one
    byte[] data = members.get(line.get("member").asText());
    List<String> fields = new ArrayList<>();
    long rows = 0;
    try (DataFileStream<GenericRecord> avro =
        new DataFileStream<>(new ByteArrayInputStream(data), new GenericDatumReader<>())) {
      for (Schema.Field f : avro.getSchema().getFields()) {
        fields.add(f.getProp("porter.column"));
      }
      for (GenericRecord r : avro) {
        rows++;
        assertEquals(3, r.getSchema().getFields().size());
      }
    }
    assertEquals(List.of("id", "qty", "price"), fields);
    assertEquals(2, rows);
  }

  @Test
  void intoAnEmptyDatabase() throws Exception {
    String db = TestPostgres.newDatabase();
    porter("import", archive, "--db", db).expect(0);
    assertLoadedAsTheSource(db);
    // a plain restore recreates the function, its trigger and the views (ADR 0024), after the
    // rows: the loaded rows fired nothing, a new row fires the trigger once
    assertEquals(1, PgKit.count(db, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"));
    assertEquals(
        2,
        PgKit.count(
            db,
            "SELECT count(*) FROM pg_class WHERE relkind IN ('v', 'm') AND relnamespace = 'public'::regnamespace"));
    assertEquals("4", PgKit.value(db, "INSERT INTO item (name) VALUES ('new') RETURNING id"));
    assertEquals(1, PgKit.count(db, "SELECT count(*) FROM audit WHERE msg = 'inserted new'"));
    // the source's materialized view was refreshed: the restore's holds the same rows
    assertEquals(
        PgKit.rows(source, "SELECT s FROM line_totals"),
        PgKit.rows(db, "SELECT s FROM line_totals"));
    assertEquals(1, PgKit.count(db, "SELECT count(*) FROM line_totals"));
  }

  @Test
  void intoTheSchemaTheApplicationCreated() throws Exception {
    String db = TestPostgres.newDatabase();
    PgKit.sql(db, SCHEMA);
    porter("import", archive, "--db", db).expect(0);
    assertLoadedAsTheSource(db);
    // the trigger is enabled again: a new row fires it once
    assertEquals("4", PgKit.value(db, "INSERT INTO item (name) VALUES ('new') RETURNING id"));
    assertEquals(1, PgKit.count(db, "SELECT count(*) FROM audit WHERE msg = 'inserted new'"));
    // the materialized view is the application's, left as the application made it (not filled)
    assertEquals(
        "false",
        PgKit.value(
            db, "SELECT ispopulated::text FROM pg_matviews WHERE matviewname = 'line_totals'"));
  }

  void assertLoadedAsTheSource(String db) throws Exception {
    try (var a = TestPostgres.connect(source);
        var b = TestPostgres.connect(db)) {
      for (String t :
          List.of("audit", "item", "a", "b", "node", "line", "measure_2024", "measure_other")) {
        assertEquals(PgCompare.rows(a, "public." + t), PgCompare.rows(b, "public." + t), t);
      }
    }
    // loaded rows fired no trigger: the audit rows are the source's 3
    assertEquals(
        List.of(
            List.of("1", "inserted first"),
            List.of("2", "inserted second"),
            List.of("3", "inserted third")),
        PgKit.rows(db, "SELECT id, msg FROM audit ORDER BY id"));
    assertEquals(List.of(List.of("1")), PgKit.rows(db, "SELECT id FROM measure_2024 ORDER BY id"));
    assertEquals(
        List.of(List.of("2"), List.of("3")),
        PgKit.rows(db, "SELECT id FROM measure_other ORDER BY id"));
    // the generated column was computed by the target
    assertEquals(
        List.of(List.of("1", "7.50"), List.of("2", "9.99")),
        PgKit.rows(db, "SELECT id, total FROM line ORDER BY id"));
    // the cycle and the self-reference are checked again, as they were (not deferrable)
    assertEquals(
        List.of(
            List.of("a", "FOREIGN KEY (b_id) REFERENCES b(id)"),
            List.of("b", "FOREIGN KEY (a_id) REFERENCES a(id)"),
            List.of("node", "FOREIGN KEY (parent) REFERENCES node(id)")),
        PgKit.rows(
            db,
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE contype = 'f' AND NOT condeferrable ORDER BY 1"));
    assertRefused(db, "INSERT INTO b VALUES (2, 99)");
    assertRefused(db, "UPDATE node SET parent = 99 WHERE id = 3");
    assertRefused(db, "INSERT INTO item (id, name) VALUES (10, 'explicit id')"); // ALWAYS
    // serials continue too
    assertEquals("4", PgKit.value(db, "INSERT INTO audit (msg) VALUES ('by hand') RETURNING id"));
  }

  static void assertRefused(String db, String sql) {
    assertThrows(SQLException.class, () -> PgKit.sql(db, sql), sql);
  }
}
