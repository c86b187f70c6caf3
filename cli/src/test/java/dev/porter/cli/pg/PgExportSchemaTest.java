package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --schema} chooses the PostgreSQL schemas an archive holds; by default it holds
 * every non-system schema. Tables outside public are named {@code schema.table}, and a restore into
 * an empty database creates their schema.
 */
class PgExportSchemaTest {
  @TempDir static Path dir;
  static String source;

  @BeforeAll
  static void twoSchemas() throws Exception {
    source = TestPostgres.newDatabase();
    PgKit.sql(
        source,
        "CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL)",
        "INSERT INTO customer (name) VALUES ('Ada'), ('Grace')",
        "CREATE SCHEMA sales",
        "CREATE TYPE sales.stage AS ENUM ('lead', 'won', 'lost')",
        "CREATE TABLE sales.region (code text PRIMARY KEY, name text NOT NULL)",
        "CREATE TABLE sales.deal (id bigserial PRIMARY KEY, region text NOT NULL REFERENCES sales.region,"
            + " stage sales.stage NOT NULL, amount numeric(12,2))",
        "INSERT INTO sales.region VALUES ('EU', 'Europe'), ('NA', 'North America')",
        "INSERT INTO sales.deal (region, stage, amount) VALUES ('EU', 'won', 1200.50),"
            + " ('NA', 'lead', NULL), ('EU', 'lost', 99.99)");
  }

  static List<String> archiveTables(Path archive) {
    PgKit.Run run = porter("inspect", archive).expect(0);
    return run.out()
        .lines()
        .map(String::strip)
        .filter(l -> l.matches("^(customer|sales\\.\\w+)\\b.*"))
        .map(l -> l.split("\\s+")[0])
        .sorted()
        .toList();
  }

  @Test
  void schemaSalesExportsOnlySalessTablesAndTheRestoreCreatesTheSchema() throws Exception {
    Path archive = dir.resolve("sales.porter");
    PgKit.Run run = porter("export", "--db", source, "--schema", "sales", "-o", archive).expect(0);
    assertTrue(run.out().startsWith("exported 2 tables, 5 rows"), run.out());
    assertEquals(List.of("sales.deal", "sales.region"), archiveTables(archive));

    String target = TestPostgres.newDatabase();
    porter("import", archive, "--db", target).expect(0);
    assertEquals(List.of("porter_state", "public", "sales"), PgKit.schemas(target));
    assertNull(PgCompare.difference(source, target, "sales"));
    try (var c = TestPostgres.connect(target)) {
      assertEquals(List.of(), PgCompare.tables(c, "public"));
    }
    assertEquals(
        "sales.stage",
        PgKit.value(
            target,
            "SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'sales.deal'::regclass AND attname = 'stage'"));
    // the bigserial continues in its schema
    assertEquals(
        "4",
        PgKit.value(
            target, "INSERT INTO sales.deal (region, stage) VALUES ('NA', 'won') RETURNING id"));
  }

  @Test
  void byDefaultEveryUserSchemaIsExported() throws Exception {
    Path archive = dir.resolve("all.porter");
    PgKit.Run run = porter("export", "--db", source, "-o", archive).expect(0);
    assertTrue(run.out().startsWith("exported 3 tables, 7 rows"), run.out());
    assertEquals(List.of("customer", "sales.deal", "sales.region"), archiveTables(archive));

    String target = TestPostgres.newDatabase();
    porter("import", archive, "--db", target).expect(0);
    assertNull(PgCompare.difference(source, target, "public"));
    assertNull(PgCompare.difference(source, target, "sales"));
    assertEquals(
        "3", PgKit.value(target, "INSERT INTO customer (name) VALUES ('new') RETURNING id"));
  }

  @Test
  void twoSchemasCanBeNamed() throws Exception {
    Path archive = dir.resolve("both.porter");
    porter("export", "--db", source, "--schema", "sales", "--schema", "public", "-o", archive)
        .expect(0);
    assertEquals(List.of("customer", "sales.deal", "sales.region"), archiveTables(archive));
  }

  @Test
  void aSchemaThatDoesNotExistIsAnErrorNotAnEmptyArchive() throws Exception {
    Path archive = dir.resolve("typo.porter");
    PgKit.Run run = porter("export", "--db", source, "--schema", "Sales", "-o", archive);
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("Sales"), run.err());
    assertTrue(!java.nio.file.Files.exists(archive), "no archive is written");
  }
}
