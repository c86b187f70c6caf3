package dev.porter.cli.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of value a small app uses survives PostgreSQL → archive → PostgreSQL. */
class PgSmokeTest {
  @TempDir Path dir;

  @Test
  void exportImportSmallDatabase() throws Exception {
    String a = TestPostgres.newDatabase();
    try (Connection c = TestPostgres.connect(a);
        Statement s = c.createStatement()) {
      s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
      s.execute(
          "CREATE TABLE person (id serial PRIMARY KEY, name text NOT NULL, m mood, born date, seen timestamptz, score numeric(10,2), tags text[], data jsonb, pic bytea, ok boolean, f4 real, f8 double precision, u uuid)");
      s.execute(
          "INSERT INTO person (name, m, born, seen, score, tags, data, pic, ok, f4, f8, u) VALUES"
              + " ('Ada', 'happy', '1815-12-10', '2024-03-01 10:00:00.123456+05:30', 12.50, '{a,\"b c\",NULL}', '{\"k\": [1, 2]}', '\\x00ff', true, 1.1, -0.0, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),"
              + " ('Old', 'sad', '0044-03-15 BC', 'infinity', 'NaN', '{}', 'null', '', false, 'NaN', 'Infinity', NULL)");
      s.execute(
          "CREATE TABLE pet (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner int REFERENCES person(id), name text)");
      s.execute("INSERT INTO pet (owner, name) VALUES (1, 'Rex'), (2, 'Tom')");
    }
    Path archive = dir.resolve("a.porter");
    assertEquals(0, run("export", "--db", a, "--output", archive.toString()));
    String b = TestPostgres.newDatabase();
    assertEquals(0, run("import", archive.toString(), "--db", b));
    org.junit.jupiter.api.Assertions.assertNull(PgCompare.difference(a, b, "public"));
    try (Connection c = TestPostgres.connect(b);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO person (name) VALUES ('new')");
      s.execute("INSERT INTO pet (owner, name) VALUES (3, 'Kit')");
    }
  }

  static int run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out), new PrintStream(err), args);
    if (code != 0) {
      System.err.println("porter " + String.join(" ", args) + ": " + out + err);
    }
    return code;
  }
}
