package dev.porter.cli;

import static dev.porter.cli.AppCli.porter;
import static dev.porter.cli.AppCli.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.Porter;
import dev.porter.core.app.AppDefinition;
import dev.porter.core.app.AppLoader;
import dev.porter.testdata.SqliteCompare;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --app PATH} with an app compiled separately from porter: its sources are written and
 * compiled here against porter's API only, with its DDL and service file, as a directory and as a
 * jar. Neither its classes nor its resources are on the test class path.
 */
class ExternalAppTest {
  static final String APP =
      """
      package tinyapp;

      import dev.porter.core.app.AppDefinition;
      import dev.porter.core.app.PorterApp;
      import dev.porter.core.app.VersionProbe;

      public final class TinyApp implements PorterApp {
        @Override
        public AppDefinition definition() {
          return AppDefinition.builder("tiny", TinyApp.class)
              .engines("sqlite")
              .versionProbe("*", VersionProbe.userVersion())
              .release("1", r -> r.ddlResource("sqlite", "/tinyapp/v1.sql"))
              .release("2", r -> r.ddlResource("sqlite", "/tinyapp/v2.sql"))
              .steps(new NotesV1ToV2())
              .build();
        }
      }
      """;

  static final String STEP =
      """
      package tinyapp;

      import dev.porter.core.model.LogicalType;
      import dev.porter.transforms.Steps;
      import dev.porter.transforms.Transform;

      /** Release 1 → 2: a note's title becomes its heading; its word count is computed. */
      public final class NotesV1ToV2 extends Transform {
        public NotesV1ToV2() {
          super("1", "2");
        }

        @Override
        protected void define(Steps s) {
          s.table("note")
              .renameColumn("title", "heading")
              .addColumn(
                  "words",
                  LogicalType.INTEGER,
                  r -> r.get("body") == null ? 0L : (long) r.getString("body").split("\\\\s+").length);
        }
      }
      """;

  static final String V1 =
      """
      PRAGMA user_version = 1;
      CREATE TABLE note (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT);
      """;

  static final String V2 =
      """
      PRAGMA user_version = 2;
      CREATE TABLE note (
        id INTEGER PRIMARY KEY,
        heading TEXT NOT NULL,
        body TEXT,
        words INTEGER NOT NULL
      );
      """;

  @TempDir Path dir;
  Path appDir;
  Path appJar;

  @BeforeEach
  void buildTheApp() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/tinyapp"));
    Files.writeString(src.resolve("TinyApp.java"), APP);
    Files.writeString(src.resolve("NotesV1ToV2.java"), STEP);
    appDir = Files.createDirectories(dir.resolve("tiny-app"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "the tests need a JDK");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
      String cp =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      boolean ok =
          javac
              .getTask(
                  null,
                  fm,
                  diagnostics,
                  List.of("--release", "17", "-classpath", cp, "-d", appDir.toString()),
                  null,
                  fm.getJavaFileObjects(
                      src.resolve("TinyApp.java").toFile(),
                      src.resolve("NotesV1ToV2.java").toFile()))
              .call();
      assertTrue(ok, diagnostics.getDiagnostics().toString());
    }
    Files.writeString(Files.createDirectories(appDir.resolve("tinyapp")).resolve("v1.sql"), V1);
    Files.writeString(appDir.resolve("tinyapp/v2.sql"), V2);
    Path service = appDir.resolve("META-INF/services/dev.porter.core.app.PorterApp");
    Files.createDirectories(service.getParent());
    Files.writeString(service, "# the app\ntinyapp.TinyApp\n");
    appJar = dir.resolve("tiny-app.jar");
    jar(appDir, appJar);
  }

  static void jar(Path from, Path jar) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(from)) {
      s.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      for (Path f : files) {
        j.putNextEntry(new JarEntry(from.relativize(f).toString().replace('\\', '/')));
        j.write(Files.readAllBytes(f));
        j.closeEntry();
      }
    }
  }

  /** A release-1 database of the tiny app: three notes. */
  Path notes(String name) throws Exception {
    Path db = dir.resolve(name);
    AppCli.exec(db, V1);
    AppCli.exec(
        db,
        "INSERT INTO note VALUES (1, 'Hello', 'one two three'), (2, 'Empty', NULL),"
            + " (3, 'Spaces', 'a  b')");
    return db;
  }

  @Test
  void theAppIsNotOnPortersClassPath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("tinyapp.TinyApp"));
    assertNull(getClass().getResource("/tinyapp/v1.sql"));
  }

  @Test
  void statusPlanAndUpgradeWithTheAppAsAJar() throws Exception {
    Path db = notes("notes.db");
    AppCli.Run status = porter("status", "--db", db, "--app", appJar).expect(0);
    assertTrue(status.out().contains("app            tiny (releases 1, 2)\n"), status.out());
    assertTrue(status.out().contains("release        1\n"), status.out());
    assertTrue(status.out().contains("newest         2\n"), status.out());
    assertTrue(
        status.out().contains("status         upgrade available: NotesV1ToV2 (1 → 2)\n"),
        status.out());

    Path archive = dir.resolve("notes.porter");
    porter("export", "--db", db, "--app", appJar, "-o", archive).expect(0);
    AppCli.Run plan = porter("plan", archive, "--app", appJar).expect(0);
    assertTrue(plan.out().startsWith("plan: app tiny, release 1 → 2\n"), plan.out());
    assertTrue(
        plan.out().contains("note → note: renamed column title → heading; computed column words"),
        plan.out());

    porter("upgrade", "--db", db, "--app", appJar).expect(0);
    assertEquals(
        List.of(
            List.of(1L, "Hello", "one two three", 3L),
            Arrays.asList(2L, "Empty", null, 0L),
            List.of(3L, "Spaces", "a  b", 2L)),
        query(db, "SELECT id, heading, body, words FROM note ORDER BY id"));
    assertEquals(List.of(List.of(2L)), query(db, "PRAGMA user_version"));
    AppCli.Run after = porter("status", "--db", db, "--app", appJar).expect(0);
    assertTrue(after.out().contains("status         up to date\n"), after.out());
  }

  @Test
  void statusPlanAndUpgradeWithTheAppAsADirectory() throws Exception {
    Path db = notes("notes-dir.db");
    AppCli.Run status = porter("status", "--db", db, "--app", appDir).expect(0);
    assertTrue(
        status.out().contains("status         upgrade available: NotesV1ToV2 (1 → 2)\n"),
        status.out());
    Path archive = dir.resolve("notes-dir.porter");
    porter("export", "--db", db, "--app", appDir, "-o", archive).expect(0);
    AppCli.Run plan = porter("plan", archive, "--app", appDir, "--json").expect(0);
    assertTrue(plan.out().contains("\"app\" : \"tiny\""), plan.out());
    porter("upgrade", "--db", db, "--app", appDir).expect(0);

    // the same as through the jar
    Path viaJar = notes("notes-jar.db");
    porter("upgrade", "--db", viaJar, "--app", appJar).expect(0);
    assertNull(SqliteCompare.difference(viaJar, db));
    assertEquals(3L, AppCli.count(db, "note"));
  }

  @Test
  void theStartUpCallUpgradesAnOlderDatabase() throws Exception {
    AppDefinition app = AppLoader.load(appJar);
    Path db = notes("startup.db");
    assertEquals(Porter.StartupAction.UPGRADED, Porter.upgradeOnStartup(app, db.toString()));
    assertEquals(List.of(List.of(2L)), query(db, "PRAGMA user_version"));
    assertEquals(
        List.of(List.of("Hello", 3L), List.of("Empty", 0L), List.of("Spaces", 2L)),
        query(db, "SELECT heading, words FROM note ORDER BY id"));
    // the next start finds it up to date
    String sha = AppCli.sha256(db);
    assertEquals(Porter.StartupAction.UP_TO_DATE, Porter.upgradeOnStartup(app, db.toString()));
    assertEquals(sha, AppCli.sha256(db));
    assertEquals("tiny", app.id(), "the definition came from the separately compiled jar");
    assertEquals(
        Files.readString(appDir.resolve("tinyapp/v2.sql"), StandardCharsets.UTF_8),
        app.ddl(app.newest().version(), "sqlite"));
  }
}
