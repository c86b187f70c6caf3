package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain restore of a PostgreSQL archive recreates the functions, procedures, aggregates, views,
 * materialized views and triggers of the exported schemas, whatever order their dependencies need;
 * triggers fire for new rows, never for loaded ones. What cannot be recreated is named in the
 * report, and the rows are loaded all the same.
 */
class PgSchemaObjectsTest {
  @TempDir Path dir;

  /** Objects whose creation order is not their dependency order, in two schemas. */
  static final String[] SOURCE = {
    "CREATE SCHEMA app",
    // called by a domain's check and by a column default: needed before the tables
    "CREATE FUNCTION app.positive(n int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n > 0'",
    "CREATE DOMAIN app.qty AS int CHECK (app.positive(VALUE))",
    "CREATE SEQUENCE app.code_seq",
    "CREATE FUNCTION app.next_code() RETURNS text LANGUAGE sql"
        + " AS $$SELECT 'C-' || nextval('app.code_seq')$$",
    "CREATE TABLE item (id int PRIMARY KEY, code text NOT NULL DEFAULT app.next_code(),"
        + " amount app.qty NOT NULL, touched timestamptz NOT NULL DEFAULT '2001-01-01')",
    // needs the table's row type, and a body parsed against the table: after the tables
    "CREATE FUNCTION big_items() RETURNS SETOF item LANGUAGE sql STABLE"
        + " BEGIN ATOMIC SELECT * FROM item WHERE amount > 5; END",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql"
        + " AS $$BEGIN NEW.touched := '2030-01-01'; RETURN NEW; END$$",
    "CREATE TRIGGER item_touch BEFORE INSERT OR UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch()",
    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql"
        + " AS $$BEGIN RAISE EXCEPTION 'refused'; END$$",
    "CREATE TRIGGER item_refuse BEFORE DELETE ON item FOR EACH ROW EXECUTE FUNCTION refuse()",
    "ALTER TABLE item DISABLE TRIGGER item_refuse",
    "CREATE PROCEDURE app.add_item(i int, a int) LANGUAGE sql"
        + " AS $$INSERT INTO public.item (id, amount) VALUES (i, a)$$",
    "CREATE FUNCTION app.add_state(s bigint, v int) RETURNS bigint LANGUAGE sql AS 'SELECT s + v'",
    "CREATE AGGREGATE app.total(int) (SFUNC = app.add_state, STYPE = bigint, INITCOND = '0')",
    // v1 is replaced later to read v2, created after it: creation order is not dependency order
    "CREATE VIEW v1 AS SELECT 1 AS one",
    "CREATE VIEW v2 AS SELECT id, amount FROM item WHERE amount > 1",
    "CREATE OR REPLACE VIEW v1 AS SELECT count(*)::int AS one FROM v2",
    "CREATE VIEW app.grouped AS SELECT i.id, i.code, app.total(i.amount) AS t FROM item i"
        + " GROUP BY i.id", // valid only once item's primary key exists
    "CREATE VIEW checked WITH (security_barrier) AS SELECT id FROM item WHERE amount < 100"
        + " WITH CASCADED CHECK OPTION",
    "CREATE MATERIALIZED VIEW app.summary AS SELECT app.total(amount) AS t, count(*) AS n FROM item",
    "CREATE UNIQUE INDEX summary_t ON app.summary (t)",
    // row-level security, forced on the owner too: the load must not be filtered by it
    "CREATE TABLE app.note (id int PRIMARY KEY, owner text NOT NULL)",
    "CREATE POLICY mine ON app.note AS RESTRICTIVE FOR SELECT TO PUBLIC"
        + " USING (owner = current_user)",
    "CREATE POLICY anyone ON app.note USING (true) WITH CHECK (owner <> '')",
    "ALTER TABLE app.note ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE app.note FORCE ROW LEVEL SECURITY",
    "COMMENT ON TABLE item IS 'what is sold'",
    "COMMENT ON COLUMN item.code IS 'made by app.next_code()'",
    "COMMENT ON FUNCTION app.positive(int) IS 'n > 0'",
    "COMMENT ON SCHEMA app IS 'the app''s own'",
    // a composite type over a domain (created after the first round), a range type, in a table
    "CREATE TYPE app.line AS (q app.qty, note text)",
    "CREATE TYPE app.floatrange AS RANGE (SUBTYPE = float8, SUBTYPE_DIFF = float8mi)",
    "CREATE TABLE app.priced (id int PRIMARY KEY, line app.line, span app.floatrange)",
    // privileges of an application role, and a default PUBLIC privilege taken away
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'porter_app')"
        + " THEN CREATE ROLE porter_app; END IF; END $$",
    "GRANT USAGE ON SCHEMA app TO porter_app",
    "GRANT SELECT, INSERT ON item TO porter_app",
    "GRANT SELECT ON app.summary TO porter_app WITH GRANT OPTION",
    "GRANT USAGE ON SEQUENCE app.code_seq TO porter_app",
    "REVOKE EXECUTE ON FUNCTION app.next_code() FROM PUBLIC",
    "GRANT EXECUTE ON FUNCTION app.next_code() TO porter_app",
    // objects of another owner than the role that restores them
    "ALTER TABLE app.priced OWNER TO porter_app",
    "ALTER FUNCTION app.add_state(bigint, int) OWNER TO porter_app",
    // what the objects created later get: in schema app, and database-wide
    "ALTER DEFAULT PRIVILEGES FOR ROLE porter_app IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC",
    "ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
  };

  static String source() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(src, SOURCE);
    PgKit.sql(
        src,
        // rows that keep their own touched time: a trigger that fired for them would change it
        "ALTER TABLE item DISABLE TRIGGER item_touch",
        "INSERT INTO item (id, amount, touched)"
            + " SELECT g, g, timestamptz '2001-01-01 00:00:00+00' + g * interval '1 day'"
            + " FROM generate_series(1, 20) g",
        "ALTER TABLE item ENABLE TRIGGER item_touch",
        "REFRESH MATERIALIZED VIEW app.summary",
        "ALTER TABLE app.note NO FORCE ROW LEVEL SECURITY",
        "INSERT INTO app.note VALUES (1, 'postgres'), (2, 'someone else')",
        "ALTER TABLE app.note FORCE ROW LEVEL SECURITY",
        "INSERT INTO app.priced VALUES (1, ROW(3, 'three'), '[1.5,2.5)')");
    return src;
  }

  @Test
  void everyObjectComesBackWhateverOrderItsDependenciesNeed() throws Exception {
    String src = source();
    Path archive = dir.resolve("o.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    // inspect says what the archive holds besides its tables
    assertTrue(
        porter("inspect", archive)
            .expect(0)
            .out()
            .contains(
                "objects        2 types, 6 functions, 1 procedure, 4 views, 1 materialized view,"
                    + " 1 aggregate, 2 triggers, 1 table with row-level security,"
                    + " 6 access lists, 2 default access lists, 4 owners by schema, 4 comments\n"),
        porter("inspect", archive).out());
    String dst = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", dst).expect(0);
    // public: 3 functions, 2 triggers, 3 views; app: 3 functions, a procedure, an aggregate, a
    // view, a materialized view (with its index), and the 5 constructors the range type makes
    assertEquals(8, PgCompare.objects(src, "public").size());
    assertEquals(12, PgCompare.objects(src, "app").size());
    for (String schema : List.of("public", "app")) {
      assertEquals(PgCompare.objects(src, schema), PgCompare.objects(dst, schema), schema);
    }
    assertTrue(
        run.out()
            .contains(
                "check schema objects     34 of 34 recreated (types, functions, procedures, aggregates,"
                    + " views, materialized views, triggers, row-level security, comments,"
                    + " privileges, default privileges, owners)\n"),
        run.out());
    // the policies and flags are back, and the forced policy did not filter the load
    String policies =
        "SELECT polname, polcmd::text, polpermissive::text, pg_get_expr(polqual, polrelid),"
            + " pg_get_expr(polwithcheck, polrelid) FROM pg_policy ORDER BY 1";
    assertEquals(PgKit.rows(src, policies), PgKit.rows(dst, policies));
    assertEquals(
        List.of(List.of("true", "true")),
        PgKit.rows(
            dst,
            "SELECT relrowsecurity::text, relforcerowsecurity::text FROM pg_class"
                + " WHERE oid = 'app.note'::regclass"));
    PgKit.sql(dst, "ALTER TABLE app.note NO FORCE ROW LEVEL SECURITY");
    assertEquals("2", PgKit.value(dst, "SELECT count(*) FROM app.note"));
    String comments =
        "SELECT (pg_identify_object(classoid, objoid, objsubid)).identity, description"
            + " FROM pg_description WHERE description IN"
            + " ('what is sold', 'made by app.next_code()', 'n > 0', 'the app''s own') ORDER BY 1";
    assertEquals(4, PgKit.rows(src, comments).size());
    assertEquals(PgKit.rows(src, comments), PgKit.rows(dst, comments));
    String acls =
        "SELECT c.relname, c.relacl::text FROM pg_class c WHERE c.relacl IS NOT NULL"
            + " AND c.relnamespace IN ('public'::regnamespace, 'app'::regnamespace)"
            + " UNION ALL SELECT p.proname, p.proacl::text FROM pg_proc p WHERE p.proacl IS NOT NULL"
            + " AND p.pronamespace = 'app'::regnamespace"
            + " UNION ALL SELECT nspname, nspacl::text FROM pg_namespace"
            + " WHERE nspname IN ('public', 'app') ORDER BY 1";
    assertEquals(PgKit.rows(src, acls), PgKit.rows(dst, acls));
    String owners =
        "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c"
            + " WHERE c.relnamespace IN ('public'::regnamespace, 'app'::regnamespace)"
            + " UNION ALL SELECT p.proname, pg_get_userbyid(p.proowner) FROM pg_proc p"
            + " WHERE p.pronamespace IN ('public'::regnamespace, 'app'::regnamespace)"
            + " UNION ALL SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace"
            + " WHERE nspname IN ('public', 'app') ORDER BY 1, 2";
    assertEquals(PgKit.rows(src, owners), PgKit.rows(dst, owners));
    String defaults =
        "SELECT pg_get_userbyid(defaclrole), defaclnamespace::regnamespace::text,"
            + " defaclobjtype::text, defaclacl::text FROM pg_default_acl ORDER BY 1, 2, 3";
    assertEquals(2, PgKit.rows(src, defaults).size());
    assertEquals(PgKit.rows(src, defaults), PgKit.rows(dst, defaults));
    assertEquals(
        "porter_app",
        PgKit.value(
            dst, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'priced'"));
    assertTrue(
        PgKit.value(dst, "SELECT proacl::text FROM pg_proc WHERE proname = 'next_code'")
            .contains("porter_app=X/"));
    assertEquals(
        List.of(List.of("(3,three)", "[1.5,2.5)", "1")),
        PgKit.rows(
            dst, "SELECT line::text, span::text, upper(span) - lower(span) FROM app.priced"));
    assertEquals("t", PgKit.value(dst, "SELECT (line).q = 3 FROM app.priced"));
    // the loaded rows kept their values: no trigger fired for them
    assertEquals(
        PgKit.rows(src, "SELECT id, code, touched FROM item ORDER BY id"),
        PgKit.rows(dst, "SELECT id, code, touched FROM item ORDER BY id"));
    // the materialized view holds the source's data; the functions, views and aggregate work
    assertEquals(List.of(List.of("210", "20")), PgKit.rows(dst, "SELECT t, n FROM app.summary"));
    assertEquals("15", PgKit.value(dst, "SELECT count(*) FROM big_items()"));
    assertEquals("19", PgKit.value(dst, "SELECT one FROM v1"));
    assertEquals("4", PgKit.value(dst, "SELECT t FROM app.grouped WHERE id = 4"));
    // a new row: the procedure inserts it, the default calls its function, the trigger fires
    PgKit.sql(dst, "CALL app.add_item(21, 7)");
    assertEquals(
        List.of(List.of("C-21", "t")),
        PgKit.rows(dst, "SELECT code, touched > '2029-06-01' FROM item WHERE id = 21"));
    // the disabled trigger stayed disabled: a delete goes through
    PgKit.sql(dst, "DELETE FROM item WHERE id = 21");
    assertEquals("20", PgKit.value(dst, "SELECT count(*) FROM item"));
  }

  @Test
  void anObjectThatCannotBeRecreatedIsNamedAndTheRowsStillLoad() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE SCHEMA other",
        "CREATE TABLE other.o (id int PRIMARY KEY)",
        "CREATE TABLE t (id int PRIMARY KEY)",
        "INSERT INTO t SELECT generate_series(1, 5)",
        "CREATE VIEW fine AS SELECT id FROM t",
        "CREATE VIEW outside AS SELECT id FROM other.o",
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'porter_gone')"
            + " THEN CREATE ROLE porter_gone; END IF; END $$",
        "GRANT SELECT ON t TO porter_gone");
    Path archive = dir.resolve("p.porter");
    porter("export", "--db", src, "--schema", "public", "-o", archive).expect(0);
    // the role the archive grants to is gone by the time of the restore
    PgKit.sql(src, "DROP OWNED BY porter_gone", "DROP ROLE porter_gone");
    String dst = TestPostgres.newDatabase();
    PgKit.Run run = porter("import", archive, "--db", dst).expect(0);
    assertTrue(
        run.out()
            .contains(
                "check schema objects     FAILED: 4 of 6 recreated (views, privileges, owners);"
                    + " not recreated: view public.outside (relation \"other.o\" does not exist);"
                    + " privileges public.t (role \"porter_gone\" does not exist)\n"),
        run.out());
    assertEquals("5", PgKit.value(dst, "SELECT count(*) FROM fine"));
    assertEquals("5", PgKit.value(dst, "SELECT count(*) FROM t"));
  }

  @Test
  void aTargetsOwnSchemaAndFunctionsAreNotChangedByAnImportBesideThem() throws Exception {
    String src = TestPostgres.newDatabase();
    PgKit.sql(
        src,
        "CREATE TABLE t (id int PRIMARY KEY, at text)",
        "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql"
            + " AS $$BEGIN NEW.at := 'source'; RETURN NEW; END$$",
        "CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION stamp()",
        "COMMENT ON SCHEMA public IS 'the source''s'",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC");
    Path archive = dir.resolve("s.porter");
    porter("export", "--db", src, "-o", archive).expect(0);
    // the target's public already holds its own table and a function of the same signature
    String dst = TestPostgres.newDatabase();
    PgKit.sql(
        dst,
        "CREATE TABLE unrelated (x int)",
        "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql"
            + " AS $$BEGIN NEW.at := 'target'; RETURN NEW; END$$",
        "COMMENT ON SCHEMA public IS 'the target''s'",
        "GRANT USAGE ON SCHEMA public TO PUBLIC");
    String acl =
        "SELECT nspacl::text, obj_description(oid) FROM pg_namespace WHERE nspname = 'public'";
    List<List<String>> before = PgKit.rows(dst, acl);
    PgKit.Run run = porter("import", archive, "--db", dst).expect(0);
    assertTrue(
        run.out()
            .contains(
                "not recreated: function public.stamp (function \"stamp\" already exists with"
                    + " same argument types)"),
        run.out());
    assertEquals(before, PgKit.rows(dst, acl), "public's access list and comment are the target's");
    // the trigger came back, and calls the function the target has
    PgKit.sql(dst, "INSERT INTO t (id) VALUES (1)");
    assertEquals("target", PgKit.value(dst, "SELECT at FROM t WHERE id = 1"));
  }
}
