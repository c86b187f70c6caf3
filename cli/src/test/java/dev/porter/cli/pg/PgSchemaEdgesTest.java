package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL catalogs that an application grows over years: dropped columns, inheritance,
 * sub-partitions, row-level security, long schema names, foreign keys the data breaks, seed tables
 * with columns the archive lacks, and a rollback after cleanup.
 */
class PgSchemaEdgesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  Path export(String db, String name) {
    Path archive = dir.resolve(name + ".porter");
    porter("export", "--db", db, "-o", archive).expect(0);
    return archive;
  }

  @Test
  void keysNameTheRightColumnsAfterADroppedColumn() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE parent (junk int, old text, code text, id int, PRIMARY KEY (id), UNIQUE (code))",
        "ALTER TABLE parent DROP COLUMN junk",
        "ALTER TABLE parent DROP COLUMN old",
        "CREATE TABLE child (gone int, id int PRIMARY KEY, parent_id int)",
        "ALTER TABLE child DROP COLUMN gone",
        "ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent (id)",
        "INSERT INTO parent (code, id) VALUES ('a', 1), ('b', 2)",
        "INSERT INTO child VALUES (10, 1), (11, 2)");
    String dst = TestPostgres.newDatabase();
    porter("import", export(src, "dropped"), "--db", dst).expect(0);
    assertEquals(
        List.of(
            List.of("parent_code_key", "UNIQUE (code)"),
            List.of("parent_pkey", "PRIMARY KEY (id)")),
        PgKit.rows(
            dst,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid = 'parent'::regclass ORDER BY conname"));
    assertEquals(
        "FOREIGN KEY (parent_id) REFERENCES parent(id)",
        PgKit.value(
            dst,
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid = 'child'::regclass AND contype = 'f'"));
  }

  @Test
  void aParentOfInheritingTablesKeepsOnlyItsOwnRows() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE event (id int PRIMARY KEY, what text, CONSTRAINT positive CHECK (id > 0))",
        "CREATE TABLE login_event (who text) INHERITS (event)",
        "INSERT INTO event VALUES (1, 'boot')",
        "INSERT INTO login_event VALUES (2, 'login', 'ada'), (3, 'login', 'bob')");
    Path archive = export(src, "inherits");
    String dst = TestPostgres.newDatabase();
    Path report = dir.resolve("report.json");
    porter("import", archive, "--db", dst, "--report", report).expect(0);
    assertEquals(1, PgKit.count(dst, "SELECT count(*) FROM ONLY event"));
    assertEquals(2, PgKit.count(dst, "SELECT count(*) FROM login_event"));
    assertEquals("boot", PgKit.value(dst, "SELECT what FROM ONLY event"));
    // the INHERITS link is back: the parent shows its children's rows, and the check is theirs
    assertEquals(3, PgKit.count(dst, "SELECT count(*) FROM event"));
    assertEquals("event", PgKit.value(dst, "SELECT inhparent::regclass::text FROM pg_inherits"));
    assertEquals(
        List.of(List.of("event", "true"), List.of("login_event", "false")),
        PgKit.rows(
            dst,
            "SELECT conrelid::regclass::text, conislocal::text FROM pg_constraint"
                + " WHERE conname = 'positive' ORDER BY 1"));
  }

  @Test
  void aSubPartitionedTableIsRebuiltWithEveryRow() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE reading (at date NOT NULL, site text NOT NULL, v int) PARTITION BY RANGE (at)",
        "CREATE TABLE reading_2025 PARTITION OF reading FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
            + " PARTITION BY LIST (site)",
        "CREATE TABLE reading_2025_north PARTITION OF reading_2025 FOR VALUES IN ('north')",
        "CREATE TABLE reading_2025_south PARTITION OF reading_2025 FOR VALUES IN ('south')",
        "CREATE TABLE reading_2026 PARTITION OF reading FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
        "INSERT INTO reading VALUES ('2025-03-01', 'north', 1), ('2025-04-01', 'south', 2),"
            + " ('2026-05-01', 'north', 3)");
    String dst = TestPostgres.newDatabase();
    porter("import", export(src, "subpartitions"), "--db", dst).expect(0);
    assertEquals(
        List.of(List.of("p")),
        PgKit.rows(dst, "SELECT relkind::text FROM pg_class WHERE relname = 'reading_2025'"));
    assertEquals(1, PgKit.count(dst, "SELECT count(*) FROM reading_2025_south"));
    assertEquals(3, PgKit.count(dst, "SELECT count(*) FROM reading"));
  }

  @Test
  void rowSecurityThatWouldHideRowsFailsTheExportInsteadOfShorteningIt() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE note (id int PRIMARY KEY, owner text)",
        "INSERT INTO note VALUES (1, 'ada'), (2, 'bob')",
        "ALTER TABLE note ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY only_ada ON note USING (owner = 'ada')",
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'porter_reader')"
            + " THEN CREATE ROLE porter_reader LOGIN; END IF; END $$",
        "GRANT SELECT ON note TO porter_reader");
    String asReader = src.replace("user=postgres", "user=porter_reader");
    assertFalse(asReader.equals(src), "the test URL names its user: " + src);
    // the policy really hides a row from this role
    try (Connection c = DriverManager.getConnection(asReader);
        Statement s = c.createStatement()) {
      var r = s.executeQuery("SELECT count(*) FROM note");
      r.next();
      assertEquals(1, r.getLong(1));
    }
    Path archive = dir.resolve("rls.porter");
    PgKit.Run run = porter("export", "--db", asReader, "-o", archive);
    assertTrue(run.code() != 0, run.out());
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(run.err().contains("row-level security"), run.err());
    assertFalse(Files.exists(archive), "no partial archive");
  }

  @Test
  void aPreImageNameLongerThanPostgresAllowsIsRefusedNotCut() throws Exception {
    String longName = "s".repeat(40);
    String db = TestPostgres.newDatabase();
    PgKit.sql(
        db,
        "CREATE SCHEMA " + longName,
        "CREATE TABLE " + longName + ".t (id int PRIMARY KEY)",
        "INSERT INTO " + longName + ".t VALUES (1)");
    Path archive = export(db, "long");
    PgKit.sql(db, "INSERT INTO " + longName + ".t VALUES (2)");
    var before = PgKit.snapshot(db);
    PgKit.Run run = porter("import", archive, "--db", db, "--mode", "replace").expect(3);
    assertTrue(run.err().contains("63 bytes"), run.err());
    assertEquals(before, PgKit.snapshot(db));
    assertEquals(2, PgKit.count(db, "SELECT count(*) FROM " + longName + ".t"));
  }

  /** Rows that break a foreign key, from a SQLite source that never enforced it. */
  Path archiveWithAnOrphan() throws Exception {
    Path sqlite = dir.resolve("orphans.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
      s.execute(
          "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))");
      s.execute("INSERT INTO parent VALUES (1)");
      s.execute("INSERT INTO child VALUES (1, 1), (2, 99)");
    }
    Path archive = dir.resolve("orphans.porter");
    porter("export", "--db", sqlite, "-o", archive).expect(0);
    return archive;
  }

  @Test
  void aBrokenForeignKeyFailsTheImport() throws Exception {
    String db = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archiveWithAnOrphan(), "--db", db).expect(5);
    assertTrue(run.err().contains("(parent_id)=(99)"), run.err());
    assertEquals(0, PgKit.count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
  }

  @Test
  void acceptedForeignKeyViolationsLoadTheRowsAndKeepTheKeyForNewRows() throws Exception {
    String db = TestPostgres.newDatabase();
    Path report = dir.resolve("fk.json");
    porter(
            "import",
            archiveWithAnOrphan(),
            "--db",
            db,
            "--accept-fk-violations",
            "--report",
            report)
        .expect(0);
    assertEquals(2, PgKit.count(db, "SELECT count(*) FROM child"));
    assertEquals(
        List.of(List.of("false")),
        PgKit.rows(
            db,
            "SELECT convalidated::text FROM pg_constraint"
                + " WHERE conrelid = 'child'::regclass AND contype = 'f'"));
    JsonNode fk = null;
    for (JsonNode check : JSON.readTree(report.toFile()).get("checks")) {
      if (check.get("name").asText().equals("foreign keys")) {
        fk = check;
      }
    }
    assertTrue(fk != null, "a foreign keys check in the report");
    assertFalse(fk.get("passed").asBoolean());
    assertTrue(fk.get("detail").asText().contains("1 with violations accepted"), fk.toString());
    // the key still guards new rows
    try (Connection c = DriverManager.getConnection(db);
        Statement s = c.createStatement()) {
      var e =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.sql.SQLException.class, () -> s.execute("INSERT INTO child VALUES (3, 77)"));
      assertTrue(e.getMessage().contains("foreign key"), e.getMessage());
    }
  }

  @Test
  void aMergedSeedTableWithAColumnTheArchiveLacksGetsItsDefault() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE status (code text PRIMARY KEY, label text NOT NULL)",
        "INSERT INTO status VALUES ('open', 'Open'), ('escalated', 'Escalated')");
    Path archive = export(src, "status");
    String dst = TestPostgres.newDatabase();
    PgKit.sql(
        dst,
        "CREATE TABLE status (code text PRIMARY KEY, label text NOT NULL,"
            + " colour text NOT NULL DEFAULT 'grey')",
        "INSERT INTO status VALUES ('open', 'Open (seeded)', 'green')");
    porter("import", archive, "--db", dst, "--seed", "status=merge").expect(0);
    assertEquals(
        List.of(
            List.of("escalated", "Escalated", "grey"), List.of("open", "Open (seeded)", "green")),
        PgKit.rows(dst, "SELECT code, label, colour FROM status ORDER BY code"));
  }

  @Test
  void rollbackAfterCleanupRemovedThePreImageIsRefused() throws Exception {
    String db = TestPostgres.newDatabase();
    PgKit.sql(db, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
    Path archive = export(db, "t");
    PgKit.sql(db, "INSERT INTO t VALUES (2)");
    porter("import", archive, "--db", db, "--mode", "replace").expect(0);
    porter("cleanup", "--db", db, "--keep", "0").expect(0);
    var before = PgKit.snapshot(db);
    PgKit.Run run = porter("rollback", "--db", db).expect(3);
    assertTrue(run.err().contains("nothing to roll back to"), run.err());
    assertEquals(before, PgKit.snapshot(db));
  }

  @Test
  void exportingASchemaThatDoesNotExistIsAUsageError() throws Exception {
    String db = TestPostgres.newDatabase();
    PgKit.sql(db, "CREATE TABLE t (id int)");
    Path archive = dir.resolve("none.porter");
    PgKit.Run run = porter("export", "--db", db, "--schema", "nope", "-o", archive).expect(2);
    assertTrue(run.err().contains("has no schema nope (its schemas: public)"), run.err());
    assertFalse(Files.exists(archive));
  }
}
