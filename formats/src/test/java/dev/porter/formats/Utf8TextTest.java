package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.TableReader;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.Utf8Text;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text a source hands over as its UTF-8 bytes is stored as a string, in a TEXT column and in a
 * column of any type alike (the string branch, not the bytes one), and read back as the String; a
 * reader asked for it gives ASCII text back as its bytes, and other text as the String.
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

  /** ASCII and not, empty, long, and the last ASCII character. */
  private static final String[] TEXTS = {
    "", "plain ascii", "caf\u00e9", "emoji \uD83D\uDE00", "x".repeat(70_000), "\u007f"
  };

  /**
   * {@code actual} is {@code text}: as its bytes ({@link Utf8Text}) where the reader was asked for
   * them and the text is ASCII, else as the String (or null).
   */
  private static void assertTextAsAsked(boolean ask, String text, Object actual, String where) {
    if (ask && text != null && text.chars().allMatch(c -> c < 0x80)) {
      Utf8Text u = assertInstanceOf(Utf8Text.class, actual, where);
      assertEquals(text, u.toString(), where);
    } else {
      assertEquals(text, actual, where);
    }
  }

  @Test
  void aReaderAskedForItGivesAsciiTextAsBytesAndOtherTextAsStrings() {
    TableDef t =
        TestArchives.table(
            "notes",
            TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
            TestArchives.column("text", "TEXT", LogicalType.TEXT),
            TestArchives.column("price", "NUMERIC", LogicalType.DECIMAL));
    String[] texts = TEXTS;
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      rows.add(new Object[] {(long) i, texts[i], new java.math.BigDecimal("1.50")});
    }
    byte[] archive = TestArchives.write(spool, Map.of(t, rows));
    for (boolean ask : new boolean[] {false, true}) {
      List<Object[]> back =
          TestArchives.readFirstTable(archive, ask ? TableReader::asciiTextAsBytes : in -> {});
      assertEquals(texts.length, back.size());
      for (int i = 0; i < texts.length; i++) {
        Object[] row = back.get(i);
        assertTextAsAsked(ask, texts[i], row[1], "row " + i);
        // a decimal travels as its text, and is never handed out as bytes
        assertEquals(new java.math.BigDecimal("1.50"), row[2], "row " + i);
      }
    }
  }

  /**
   * A row a preparer leaves to be decoded as objects is made from what the raw reading found (ADR
   * 0039): its text comes back as {@link
   * #aReaderAskedForItGivesAsciiTextAsBytesAndOtherTextAsStrings} gives it, asked or not, and its
   * integers, reals, blobs and NULLs as they were.
   */
  @Test
  void rowsLeftByAPreparerGiveTextAsTheReaderGivesIt() {
    TableDef t =
        TestArchives.table(
            "notes",
            TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
            TestArchives.column("text", "TEXT", LogicalType.TEXT),
            TestArchives.column("score", "REAL", LogicalType.REAL),
            TestArchives.column("data", "BLOB", LogicalType.BLOB));
    String[] texts = java.util.Arrays.copyOf(TEXTS, TEXTS.length + 1); // and a NULL
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      rows.add(
          new Object[] {
            i == 1 ? Long.MIN_VALUE : (long) i,
            texts[i],
            i == 2 ? null : i - 0.5,
            i == 3 ? null : new byte[] {(byte) i, -1}
          });
    }
    byte[] archive = TestArchives.write(spool, Map.of(t, rows));
    for (boolean ask : new boolean[] {false, true}) {
      try (ArchiveReader r = PorterArchive.read(new ByteArrayInputStream(archive), "test")) {
        TableReader in = r.nextTable();
        if (ask) {
          in.asciiTextAsBytes();
        }
        TestArchives.Objects leaveAll = new TestArchives.Objects(n -> true);
        assertEquals(true, in.prepareWith(leaveAll));
        List<Object[]> back = new ArrayList<>();
        dev.porter.core.archive.RowPreparer.Batch b;
        while ((b = in.nextBatch()) != null) {
          back.addAll(((TestArchives.Objects.Batch) b).rows);
        }
        assertEquals(0, leaveAll.prepared);
        assertEquals(texts.length, back.size());
        for (int i = 0; i < texts.length; i++) {
          Object[] row = back.get(i);
          assertEquals(rows.get(i)[0], row[0], "row " + i);
          assertTextAsAsked(ask, texts[i], row[1], "row " + i);
          assertEquals(rows.get(i)[2], row[2], "row " + i);
          assertArrayEquals((byte[]) rows.get(i)[3], (byte[]) row[3], "row " + i);
        }
        r.trailer();
      }
    }
  }
}
