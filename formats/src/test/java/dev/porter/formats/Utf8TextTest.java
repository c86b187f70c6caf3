package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.Utf8Text;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text a source hands over as its UTF-8 bytes is stored as a string, in a TEXT column and in a
 * column of any type alike (the string branch, not the bytes one), and read back as the String.
 */
class Utf8TextTest {
  @TempDir Path spool;

  @Test
  void textAsBytesReadsBackAsTheString() {
    TableDef t =
        TestArchives.table(
            "notes",
            TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
            TestArchives.column("text", "TEXT", LogicalType.TEXT),
            TestArchives.column("anything", "", LogicalType.ANY));
    String[] texts = {"", "a", "plain ascii text", "{\"json\": [1, 2]}", "x".repeat(70_000)};
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      byte[] b = texts[i].getBytes(StandardCharsets.UTF_8);
      rows.add(new Object[] {(long) i, Utf8Text.owning(b), Utf8Text.owning(b.clone())});
    }
    rows.add(new Object[] {99L, "a String", new byte[] {1, 2}}); // the other kinds, alongside
    List<Object[]> back =
        TestArchives.readAll(TestArchives.write(spool, Map.of(t, rows))).rows().get("notes");
    assertEquals(texts.length + 1, back.size());
    for (int i = 0; i < texts.length; i++) {
      assertEquals(texts[i], back.get(i)[1], "TEXT column, row " + i);
      assertEquals(texts[i], back.get(i)[2], "column of any type, row " + i);
    }
    assertEquals("a String", back.get(texts.length)[1]);
    assertEquals(byte[].class, back.get(texts.length)[2].getClass());
  }
}
