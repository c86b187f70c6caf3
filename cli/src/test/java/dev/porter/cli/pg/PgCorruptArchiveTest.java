package dev.porter.cli.pg;

import static dev.porter.cli.pg.PgKit.porter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.cli.TarLayout;
import dev.porter.core.app.SchemaVersion;
import dev.porter.testdata.helpdesk.HelpdeskApp;
import dev.porter.testdata.helpdesk.HelpdeskData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A damaged archive (a flipped byte, or cut short) makes {@code import --mode replace} into a
 * PostgreSQL database that holds data exit 4 with one line, and leaves the database exactly as it
 * was: same schemas (no porter_* pre-image or scratch schema), same rows, same sequences, no
 * porter_merge temporary table. Plain restores and app imports (whose seed merge uses temporary
 * tables) alike.
 */
class PgCorruptArchiveTest {
  @TempDir static Path shared;

  static byte[] archive;
  static TarLayout layout;
  static String target;
  static Map<String, List<String>> original;

  static byte[] appArchive;
  static TarLayout appLayout;
  static String appTarget;
  static Map<String, List<String>> appOriginal;
  static Path app;

  @TempDir Path dir;

  @BeforeAll
  static void archivesAndTargets() throws Exception {
    String source = TestPostgres.newDatabase();
    PgKit.sql(
        source,
        "CREATE TYPE color AS ENUM ('red', 'green')",
        "CREATE TABLE kv (id serial PRIMARY KEY, k text NOT NULL UNIQUE, v text, c color, n integer)",
        "CREATE TABLE ref (id bigint PRIMARY KEY, kv_id integer NOT NULL REFERENCES kv, at timestamptz)",
        "INSERT INTO kv (k, v, c, n) SELECT 'key ' || i, repeat(md5(i::text), 20), 'green', i"
            + " FROM generate_series(1, 3000) i",
        "INSERT INTO ref SELECT i, 1 + i % 3000, '2025-01-01 00:00:00+00'::timestamptz + i * interval '1 minute'"
            + " FROM generate_series(1, 500) i");
    Path file = shared.resolve("source.porter");
    porter("export", "--db", source, "-o", file).expect(0);
    archive = Files.readAllBytes(file);
    layout = TarLayout.of(archive);

    // the target holds other data under the same table names, and a table of its own
    target = TestPostgres.newDatabase();
    PgKit.sql(
        target,
        "CREATE TABLE kv (id serial PRIMARY KEY, k text NOT NULL, v text)",
        "INSERT INTO kv (k, v) VALUES ('mine', 'keep me'), ('also mine', NULL)",
        "CREATE TABLE notes (id int PRIMARY KEY, body text)",
        "INSERT INTO notes VALUES (1, 'not in the archive')");
    original = PgKit.snapshot(target);

    // an app import: a helpdesk release-1 archive into a release-1 database with data
    app = PgKit.appDir(shared, HelpdeskApp.class);
    String appSource = release1(21);
    Path appFile = shared.resolve("helpdesk.porter");
    porter("export", "--db", appSource, "--app", app, "-o", appFile).expect(0);
    appArchive = Files.readAllBytes(appFile);
    appLayout = TarLayout.of(appArchive);
    appTarget = release1(22);
    appOriginal = PgKit.snapshot(appTarget);
  }

  static String release1(long seed) throws Exception {
    String db = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(HelpdeskApp.define().ddl(SchemaVersion.of(1), "postgresql"));
      HelpdeskData.fill(c, 1, 2, seed);
    }
    return db;
  }

  static final String HEADER = "porter/header.json";
  static final String TRAILER = "porter/trailer.json";
  static final String DIGEST = "porter/trailer.sha256";

  /** Byte positions to damage, named by what they hit. */
  static final Map<String, ToLongFunction<TarLayout>> FLIPS = new LinkedHashMap<>();

  /** Lengths to cut the archive to, named by where the cut falls. */
  static final Map<String, ToLongFunction<TarLayout>> CUTS = new LinkedHashMap<>();

  static {
    FLIPS.put("header.json: middle", l -> l.member(HEADER).content() + l.member(HEADER).size() / 2);
    FLIPS.put("header.json: the schema name public", l -> find(l, HEADER, "[ \"public\"") + 4);
    FLIPS.put("header.json: a declared type", l -> find(l, HEADER, "\"integer\"") + 3);
    FLIPS.put("header.json: a table name", l -> find(l, HEADER, "\"name\" : \"kv\"") + 10);
    FLIPS.put("header.json: a sequence's value", l -> find(l, HEADER, "\"lastValue\" : ") + 14);
    FLIPS.put("header.json tar header: checksum", l -> l.member(HEADER).header() + 150);
    FLIPS.put("data member: Avro magic", l -> l.largestData().content());
    FLIPS.put("data member: middle", l -> l.largestData().content() + l.largestData().size() / 2);
    FLIPS.put("data member: last byte", l -> l.largestData().padding() - 1);
    FLIPS.put(
        "trailer.json: middle", l -> l.member(TRAILER).content() + l.member(TRAILER).size() / 2);
    FLIPS.put("trailer.sha256: digest", l -> l.member(DIGEST).content() + 5);
    FLIPS.put("end-of-archive block 1", l -> l.endMarker());

    CUTS.put("empty file", l -> 0);
    CUTS.put("inside header.json", l -> l.member(HEADER).content() + 10);
    CUTS.put(
        "inside the largest data member",
        l -> l.largestData().content() + l.largestData().size() / 2);
    CUTS.put("right before the trailer", l -> l.member(TRAILER).header());
    CUTS.put("inside trailer.sha256", l -> l.member(DIGEST).content() + 32);
    CUTS.put("last byte missing", l -> l.length() - 1);
  }

  static Stream<String> flips() {
    return FLIPS.keySet().stream();
  }

  static Stream<String> cuts() {
    return CUTS.keySet().stream();
  }

  /** The position of the first occurrence of {@code text} in a member's content. */
  static long find(TarLayout l, String member, String text) {
    TarLayout.Member m = l.member(member);
    byte[] bytes = l == appLayout ? appArchive : archive;
    String content = new String(bytes, (int) m.content(), (int) m.size(), StandardCharsets.UTF_8);
    int at = content.indexOf(text);
    if (at < 0) {
      throw new IllegalStateException(text + " not found in " + member);
    }
    return m.content() + content.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void theTargetsAreAsTheTestExpects() throws Exception {
    assertEquals(
        List.of("public"), PgKit.schemas(target), "no porter schema before the damaged imports");
    assertTrue(layout.largestData().size() > 20_000, "a data member worth damaging");
    Path file = dir.resolve("intact.porter");
    Files.write(file, archive);
    porter("verify", file).expect(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flips")
  void aFlippedByteIsRefusedAndTheTargetIsUnchanged(String where) throws Exception {
    int pos = (int) FLIPS.get(where).applyAsLong(layout);
    byte[] bad = archive.clone();
    bad[pos] ^= 0x01;
    assertRefusedAndUnchanged(bad, where + " (byte " + pos + ")");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cuts")
  void aTruncatedArchiveIsRefusedAndTheTargetIsUnchanged(String where) throws Exception {
    int length = (int) CUTS.get(where).applyAsLong(layout);
    assertRefusedAndUnchanged(
        Arrays.copyOf(archive, length), where + " (" + length + " of " + archive.length + ")");
  }

  private void assertRefusedAndUnchanged(byte[] bad, String what) throws Exception {
    Path damaged = Files.createTempFile(dir, "damaged", ".porter");
    Files.write(damaged, bad);
    PgKit.Run run = porter("import", damaged, "--db", target, "--mode", "replace");
    assertEquals(4, run.code(), () -> "archive damaged at " + what + "\n" + run.out() + run.err());
    assertEquals(1, run.errLines().size(), () -> what + ": " + run.err());
    assertTrue(run.err().startsWith("porter: "), run.err());
    assertEquals(original, PgKit.snapshot(target), "target changed; archive damaged at " + what);
  }

  static Stream<String> appDamage() {
    return Stream.of(
        "header.json: middle",
        "data member: middle",
        "trailer.json: middle",
        "cut in a data member");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appDamage")
  void aDamagedArchiveInAnAppImportIsRefusedAndTheTargetIsUnchanged(String where) throws Exception {
    byte[] bad;
    if (where.startsWith("cut")) {
      bad =
          Arrays.copyOf(
              appArchive,
              (int) (appLayout.largestData().content() + appLayout.largestData().size() / 2));
    } else {
      bad = appArchive.clone();
      bad[(int) FLIPS.get(where).applyAsLong(appLayout)] ^= 0x01;
    }
    Path damaged = Files.createTempFile(dir, "damaged-app", ".porter");
    Files.write(damaged, bad);
    PgKit.Run run = porter("import", damaged, "--db", appTarget, "--app", app, "--mode", "replace");
    assertEquals(4, run.code(), () -> where + "\n" + run.out() + run.err());
    assertEquals(1, run.errLines().size(), () -> where + ": " + run.err());
    assertEquals(appOriginal, PgKit.snapshot(appTarget), "target changed: " + where);
  }

  @Test
  void theIntactAppArchiveDoesReplaceTheTarget() throws Exception {
    // the control for the test above: the same import with the intact archive does change it
    String db = release1(22);
    Path file = dir.resolve("intact-app.porter");
    Files.write(file, appArchive);
    porter("import", file, "--db", db, "--app", app, "--mode", "replace").expect(0);
    assertEquals("4", PgKit.value(db, "SELECT value FROM app_meta"));
  }
}
