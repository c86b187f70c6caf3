package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL database's large objects travel in the archive (format version 2), chunk by chunk,
 * with their owners and access lists; a restore recreates them, keeps those the target already has
 * with the same contents, and refuses to overwrite different ones. Left out on request, they are
 * named.
 */
class PgLargeObjectsTest {
  @TempDir Path dir;

  /** Objects of no bytes, a few, two chunks, exactly one chunk (256 KiB), one of another owner. */
  static String source() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'porter_app')"
            + " THEN CREATE ROLE porter_app; END IF; END $$",
        "CREATE TABLE doc (id int PRIMARY KEY, content oid)",
        "SELECT lo_from_bytea(91001, ''::bytea)",
        "SELECT lo_from_bytea(91002, 'hello'::bytea)",
        "SELECT lo_from_bytea(91003, decode(repeat('ab01', 150000), 'hex'))",
        "SELECT lo_from_bytea(91004, decode(repeat('cd', 262144), 'hex'))",
        "ALTER LARGE OBJECT 91002 OWNER TO porter_app",
        "GRANT SELECT ON LARGE OBJECT 91003 TO porter_app",
        "INSERT INTO doc VALUES (1, 91002), (2, 91003)");
    return src;
  }

  static final String OBJECTS =
      "SELECT oid::bigint, pg_get_userbyid(lomowner), md5(lo_get(oid)), length(lo_get(oid))"
          + " FROM pg_largeobject_metadata WHERE oid BETWEEN 91001 AND 91004 ORDER BY oid";

  @Test
  void largeObjectsComeBackWithTheirContentsAndOwners() throws Exception {
    String src = source();
    Path archive = dir.resolve("lo.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    String inspect = porter("inspect", archive).expect(0).out();
    assertTrue(inspect.contains("format         porter-archive 2 "), inspect);
    // 300,000 bytes are two chunks, 262,144 exactly one
    assertTrue(
        inspect.matches("(?s).*pg_catalog\\.pg_largeobject +large_objects +5 +5 .*"), inspect);
    porter("verify", archive).expect(0);

    String dst = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", dst).expect(0);
    assertTrue(
        run.out()
            .contains(
                "check large objects      4 created, 0 already there with the same contents"
                    + " (562149 bytes)\n"),
        run.out());
    assertEquals(4, PgKit.rows(src, OBJECTS).size());
    assertEquals(PgKit.rows(src, OBJECTS), PgKit.rows(dst, OBJECTS));
    assertEquals(
        "porter_app",
        PgKit.value(
            dst,
            "SELECT pg_get_userbyid(lomowner) FROM pg_largeobject_metadata WHERE oid = 91002"));
    String acls =
        "SELECT oid::bigint, lomacl::text FROM pg_largeobject_metadata"
            + " WHERE oid BETWEEN 91001 AND 91004 AND lomacl IS NOT NULL ORDER BY oid";
    assertEquals(1, PgKit.rows(src, acls).size());
    assertEquals(PgKit.rows(src, acls), PgKit.rows(dst, acls));
    assertEquals(
        "hello",
        PgKit.value(dst, "SELECT convert_from(lo_get(content), 'UTF8') FROM doc WHERE id = 1"));
  }

  @Test
  void aReplaceKeepsTheSameObjectsAndRefusesToOverwriteOthers() throws Exception {
    String src = source();
    Path archive = dir.resolve("lo.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    // the same database again: its objects are the archive's
    PgKit.Run same = porter("import", archive, "--db", src, "--mode", "replace").expect(0);
    assertTrue(
        same.out().contains("check large objects      0 created, 4 already there with the same"),
        same.out());
    // one changed in place, one grown at its end: the restore would lose those changes
    for (String change :
        List.of(
            "SELECT lo_put(91003, 5, '\\xffff'::bytea)",
            "SELECT lo_put(91004, 262144, '\\x01'::bytea)")) {
      String db = TestPostgres.newDatabase();
      porter("import", archive, "--db", db).expect(0);
      PgKit.sql(db, change);
      List<List<String>> before = PgKit.rows(db, OBJECTS);
      List<String> schemas = PgKit.schemas(db);
      PgKit.Run refused = porter("import", archive, "--db", db, "--mode", "replace").expect(3);
      String id = change.substring("SELECT lo_put(".length(), change.indexOf(','));
      assertTrue(refused.err().contains("porter: large object " + id + " of "), refused.err());
      assertTrue(
          refused
              .err()
              .contains(
                  " holds other contents than the archive's; a restore does not replace large"
                      + " objects (they belong to no schema, so nothing would keep the old ones):"
                      + " remove it or restore into another database; the target was not changed"),
          refused.err());
      assertEquals(before, PgKit.rows(db, OBJECTS), "nothing changed");
      assertEquals(schemas, PgKit.schemas(db), "no pre-image left behind");
    }
  }

  @Test
  void leftOutOnRequestTheyAreNamedAndTheArchiveStaysVersionOne() throws Exception {
    String src = source();
    Path archive = dir.resolve("without.porter");
    PgKit.Run export =
        porter("export", "--db", src, "-o", archive, "--without-large-objects").expect(0);
    String named = "4 large objects (pg_largeobject), left out of the archive";
    assertTrue(export.out().contains("  not in the archive (1): " + named + "\n"), export.out());
    String inspect = porter("inspect", archive).expect(0).out();
    assertTrue(inspect.contains("format         porter-archive 1 "), inspect);
    assertTrue(!inspect.contains("large_objects"), inspect);
    String dst = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", dst).expect(0);
    assertTrue(run.out().contains("not in the archive: " + named + "\n"), run.out());
    assertTrue(PgKit.rows(dst, OBJECTS).isEmpty());
  }

  @Test
  void intoSqliteTheyAreReportedAsNotMigrated() throws Exception {
    String src = source();
    Path archive = dir.resolve("lo.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    PgKit.Run run = porter("import", archive, "--db", dir.resolve("app.db")).expect(0);
    assertTrue(
        run.out()
            .contains(
                "archive table pg_catalog.pg_largeobject: 5 rows, not migrated to sqlite:"
                    + " the large objects of postgresql\n"),
        run.out());
    assertEquals(
        "[[1, 91002], [2, 91003]]",
        PgKit.sqliteRows(dir.resolve("app.db"), "SELECT id, content FROM doc ORDER BY id")
            .toString());
  }

  @Test
  void aNewerFormatIsRefusedByName() throws Exception {
    String src = source();
    Path archive = dir.resolve("lo.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    byte[] bytes = Files.readAllBytes(archive);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"formatVersion\" : 2");
    assertTrue(at > 0);
    bytes[at + "\"formatVersion\" : ".length()] = '3';
    Path newer = dir.resolve("newer.porter");
    Files.write(newer, bytes);
    PgKit.Run run = porter("inspect", newer).expect(3);
    assertTrue(
        run.err()
            .matches(
                "(?s).*has format version 3, written by porter .*; this porter \\(.*\\)"
                    + " reads format versions up to 2: use a newer porter.*"),
        run.err());
  }
}
