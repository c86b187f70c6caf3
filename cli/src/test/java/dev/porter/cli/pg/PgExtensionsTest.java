package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extensions a database uses come with its restore: created in an empty target, and in a replace or
 * a rollback moved along with the name of the schema they live in, so that a column type such as
 * public.citext keeps resolving.
 */
class PgExtensionsTest {
  @TempDir Path dir;

  static String source() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE EXTENSION citext",
        "CREATE SCHEMA ext",
        "CREATE EXTENSION \"uuid-ossp\" SCHEMA ext",
        "CREATE TABLE account (id uuid PRIMARY KEY DEFAULT ext.uuid_generate_v4(),"
            + " email citext NOT NULL UNIQUE)",
        "INSERT INTO account (email) VALUES ('Ann@Example.org'), ('bob@example.org')");
    return src;
  }

  static final String EXTENSIONS =
      "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n"
          + " ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1";

  @Test
  void anEmptyTargetGetsTheSourcesExtensions() throws Exception {
    String src = source();
    Path archive = dir.resolve("a.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    String dst = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", dst).expect(0);
    assertTrue(
        run.out()
            .contains("check schema objects     6 of 6 recreated (extensions, privileges, owners)"),
        run.out());
    assertEquals(
        List.of(List.of("citext", "public"), List.of("uuid-ossp", "ext")),
        PgKit.rows(dst, EXTENSIONS));
    assertEquals(
        "bob@example.org",
        PgKit.value(dst, "SELECT email FROM account WHERE email = 'BOB@EXAMPLE.ORG'"));
    PgKit.sql(dst, "INSERT INTO account (email) VALUES ('carl@example.org')");
    assertEquals("3", PgKit.value(dst, "SELECT count(DISTINCT id) FROM account"));
  }

  @Test
  void aReplaceAndItsRollbackKeepTheExtensionWithItsSchemasName() throws Exception {
    String db = source();
    Path archive = dir.resolve("a.porter");
    porter("export", "--db", db, "-o", archive).expect(0);
    PgKit.sql(db, "INSERT INTO account (email) VALUES ('after@example.org')");
    porter("import", archive, "--db", db, "--mode", "replace").expect(0);
    // citext moved with the name public; the pre-image's column still has its type
    assertEquals(
        List.of(List.of("citext", "public"), List.of("uuid-ossp", "ext")),
        PgKit.rows(db, EXTENSIONS));
    assertEquals("2", PgKit.value(db, "SELECT count(*) FROM account"));
    String preImage =
        PgKit.schemas(db).stream()
            .filter(s -> s.startsWith("porter_pre_import_"))
            .findFirst()
            .get();
    assertEquals(
        "1",
        PgKit.value(
            db,
            "SELECT count(*) FROM \"" + preImage + "\".account WHERE email = 'AFTER@example.org'"));
    porter("rollback", "--db", db).expect(0);
    assertEquals(
        List.of(List.of("citext", "public"), List.of("uuid-ossp", "ext")),
        PgKit.rows(db, EXTENSIONS));
    assertEquals("3", PgKit.value(db, "SELECT count(*) FROM account"));
    assertEquals("t", PgKit.value(db, "SELECT 'X'::citext = 'x'::public.citext"));
  }
}
