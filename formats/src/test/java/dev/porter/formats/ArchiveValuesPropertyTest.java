package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.RawText;
import dev.porter.core.model.TableDef;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property (QuickTheories, fixed seed): any rows of any values porter carries come back from an
 * archive exactly: each value's kind, doubles bit for bit (NaN payloads and -0.0 included), TEXT
 * with any Unicode scalar value, bytes, and TEXT that is not UTF-8.
 */
class ArchiveValuesPropertyTest {
  @TempDir Path spool;

  static final TableDef TABLE =
      TestArchives.table(
          "t",
          TestArchives.column("i", "INTEGER", LogicalType.INTEGER),
          TestArchives.column("v", "", LogicalType.ANY),
          TestArchives.column("r", "REAL", LogicalType.REAL),
          TestArchives.column("s", "TEXT", LogicalType.TEXT),
          TestArchives.column("b", "BLOB", LogicalType.BLOB));

  static <T> Gen<Object> nullable(Gen<T> g) {
    return Generate.frequency(
        org.quicktheories.api.Pair.of(1, Generate.constant((Object) null)),
        org.quicktheories.api.Pair.of(6, g.map(v -> (Object) v)));
  }

  /** Strings of Unicode scalar values (no lone surrogates: SQLite and UTF-8 have none). */
  static Gen<String> texts() {
    Gen<Integer> codePoint =
        integers().between(0, 0x10FFFF - 0x800).map(cp -> cp >= 0xD800 ? cp + 0x800 : cp);
    Gen<Integer> ascii = integers().between(0, 0x7F);
    return lists()
        .of(Generate.oneOf(codePoint, ascii))
        .ofSizeBetween(0, 40)
        .map(
            cps -> {
              StringBuilder b = new StringBuilder();
              cps.forEach(b::appendCodePoint);
              return b.toString();
            });
  }

  static Gen<byte[]> bytes() {
    return Generate.byteArrays(
        integers().between(0, 300), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
  }

  static Gen<Double> doubles() {
    Gen<Double> special =
        Generate.pick(
            List.of(
                -0.0,
                0.0,
                Double.MIN_VALUE,
                -Double.MIN_VALUE,
                Double.MAX_VALUE,
                -Double.MAX_VALUE,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                Double.NaN,
                Double.longBitsToDouble(0x7ff0000000000001L),
                Double.longBitsToDouble(0xfff8000000000123L)));
    return Generate.oneOf(special, longs().all().map(Double::longBitsToDouble));
  }

  static Gen<Object> anyValue() {
    return Generate.oneOf(
        Generate.constant((Object) null),
        longs().all().map(v -> (Object) v),
        doubles().map(v -> (Object) v),
        texts().map(v -> (Object) v),
        bytes().map(v -> (Object) v),
        bytes().map(v -> (Object) new RawText(v)));
  }

  static Gen<Object[]> rows() {
    return nullable(longs().all())
        .zip(
            anyValue(),
            nullable(doubles()),
            nullable(texts()),
            (i, v, r, s) -> new Object[] {i, v, r, s, null})
        .zip(nullable(bytes()), (row, b) -> new Object[] {row[0], row[1], row[2], row[3], b});
  }

  /**
   * For 150 lists of random rows (fixed seed): the table {@code t} of those rows, written by {@code
   * write}, then read by {@code read}, gives the rows back exactly, as many as the trailer counts.
   */
  private void roundTrips(
      long seed,
      java.util.function.Function<Map<TableDef, List<Object[]>>, byte[]> write,
      java.util.function.Function<byte[], TestArchives.Read> read) {
    qt().withFixedSeed(seed)
        .withExamples(150)
        .forAll(lists().of(rows()).ofSizeBetween(0, 30))
        .checkAssert(
            rows -> {
              Map<TableDef, List<Object[]>> tables = new LinkedHashMap<>();
              tables.put(TABLE, rows);
              TestArchives.Read back = read.apply(write.apply(tables));
              assertSameRows(rows, back.rows().get("t"));
              assertEquals(rows.size(), back.trailer().tables().get(0).rows());
            });
  }

  @Test
  void everyValueComesBackExactly() {
    roundTrips(20240506L, t -> TestArchives.write(spool, t), TestArchives::readAll);
  }

  /**
   * Rows prepared on the decoding thread ({@link dev.porter.core.archive.RawRow}) come back exactly
   * as the rows {@link TestArchives#readAll} gives, whichever rows the preparer leaves to be
   * decoded as objects (here every third, and every row with a value of another kind).
   */
  @Test
  void preparedRowsAreTheRowsTheReaderGives() {
    roundTrips(
        20261205L,
        t -> TestArchives.write(spool, t),
        archive -> TestArchives.readAllPrepared(archive, r -> r % 3 == 2));
  }

  /**
   * Rows given value by value ({@link dev.porter.core.archive.ValueWriter}, as a SQLite export's
   * page scan gives them) come back exactly as rows given as objects, mixed in one table (here
   * every second row).
   */
  @Test
  void rowsGivenValueByValueComeBackExactly() {
    roundTrips(
        20261206L,
        t -> TestArchives.write(spool, "zstandard", t, r -> r % 2 == 0),
        TestArchives::readAll);
  }

  /**
   * Rows given both ways, alternately, across several of the writer's 512 KB blocks: a block that
   * rows as objects filled is handed on, and the next row given value by value goes to the next
   * block.
   */
  @Test
  void rowsGivenBothWaysAcrossBlocksComeBackExactly() {
    List<Object[]> rows = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(20261207L);
    for (long i = 0; i < 300; i++) {
      byte[] blob = new byte[5_000 + random.nextInt(10_000)];
      random.nextBytes(blob); // incompressible: the blocks fill by their encoded size
      rows.add(new Object[] {i, "v" + i, i * 0.5, "text " + i, blob});
    }
    Map<TableDef, List<Object[]>> tables = new LinkedHashMap<>();
    tables.put(TABLE, rows);
    TestArchives.Read read =
        TestArchives.readAll(TestArchives.write(spool, "zstandard", tables, r -> r % 3 != 0));
    assertSameRows(rows, read.rows().get("t"));
  }

  /**
   * The refusal of writing a text into the REAL column r of row 2, given as {@code byValues} picks.
   */
  private String refusal(java.util.function.LongPredicate byValues) {
    Map<TableDef, List<Object[]>> tables = new LinkedHashMap<>();
    tables.put(
        TABLE,
        List.of(
            new Object[] {1L, null, 1.0, "a", null},
            new Object[] {2L, null, "not real", "b", null}));
    PorterException e =
        assertThrows(
            PorterException.class, () -> TestArchives.write(spool, "zstandard", tables, byValues));
    assertEquals(ErrorCategory.REFUSED, e.category());
    return e.getMessage();
  }

  /**
   * A value of the wrong kind for a typed column is refused naming the cell, given as an object or
   * value by value; the class named is the object's the value stands for (ASCII text from a page
   * scan is a Utf8Text).
   */
  @Test
  void aValueOfTheWrongKindForATypedColumnIsRefusedNamingTheCell() {
    assertEquals(
        "table t, column r, row 2: a String value cannot be stored as logical type real",
        refusal(r -> false));
    assertEquals(
        "table t, column r, row 2: a Utf8Text value cannot be stored as logical type real",
        refusal(r -> true));
  }

  /** The same rows, value for value: kinds, doubles bit for bit, bytes by content. */
  static void assertSameRows(List<Object[]> expected, List<Object[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int r = 0; r < expected.size(); r++) {
      for (int c = 0; c < expected.get(r).length; c++) {
        Object x = expected.get(r)[c];
        Object y = actual.get(r)[c];
        assertTrue(
            same(x, y),
            "row " + r + ", column " + c + ": expected " + show(x) + ", read " + show(y));
      }
    }
  }

  static boolean same(Object x, Object y) {
    if (x == null || y == null) {
      return x == y;
    }
    if (x.getClass() != y.getClass()) {
      return false;
    }
    if (x instanceof Double dx) {
      return Double.doubleToRawLongBits(dx) == Double.doubleToRawLongBits((Double) y);
    }
    if (x instanceof byte[] bx) {
      return Arrays.equals(bx, (byte[]) y);
    }
    return x.equals(y);
  }

  static String show(Object v) {
    if (v instanceof Double d) {
      return "Double(" + Long.toHexString(Double.doubleToRawLongBits(d)) + ")";
    }
    if (v instanceof byte[] b) {
      return "byte[" + b.length + "]";
    }
    return v == null ? "null" : v.getClass().getSimpleName() + "(" + v + ")";
  }
}
