package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The archive writer encodes and compresses blocks into buffers it uses again once a block is
 * written. A buffer handed back too early, or one that kept a longer block's tail, would put one
 * block's bytes into another's rows: every row of a table whose blocks range from a few rows of a
 * few bytes to single rows several times the block size must read back as written, with each codec.
 * The reader, too, reads strings and bytes through buffers it keeps from value to value.
 */
class BlockReuseTest {
  @TempDir Path spool;

  /** A row's value: its own pseudo-random bytes, so that bytes from any other row would show. */
  private static byte[] bytes(long id, int size) {
    byte[] b = new byte[size];
    new SplittableRandom(id).nextBytes(b);
    return b;
  }

  /** A row's text: its id, then characters of one to four UTF-8 bytes, as long as its bytes. */
  private static String text(long id, int size) {
    StringBuilder b = new StringBuilder().append(id).append(':');
    String[] chars = {"a", "é", "€", "\uD83D\uDE00"};
    for (int i = 0; b.length() < size / 4; i++) {
      b.append(chars[(int) ((id + i) % chars.length)]);
    }
    return b.toString();
  }

  /** Sizes in runs: small rows, one row of 3 MB (its buffer is let go), rows around a block. */
  private static int size(int i) {
    if (i == 700) {
      return 3 << 20;
    }
    if (i % 500 == 499) {
      return 700 << 10;
    }
    return i % 3 == 0 ? 20_000 : i % 97;
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstandard", "deflate", "null"})
  void rowsOfEverySizeReadBackAsWritten(String codec) {
    TableDef t =
        TestArchives.table(
            "blobs",
            TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
            TestArchives.column("data", "BLOB", LogicalType.BLOB),
            TestArchives.column("note", "TEXT", LogicalType.TEXT));
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      rows.add(new Object[] {(long) i, bytes(i, size(i)), text(i, size(i))});
    }
    TestArchives.Read read =
        TestArchives.readAll(TestArchives.write(spool, codec, Map.of(t, rows)));
    List<Object[]> back = read.rows().get("blobs");
    assertEquals(2000, back.size());
    for (int i = 0; i < 2000; i++) {
      assertEquals((long) i, back.get(i)[0], "id of row " + i);
      assertArrayEquals(bytes(i, size(i)), (byte[]) back.get(i)[1], "bytes of row " + i);
      assertEquals(text(i, size(i)), back.get(i)[2], "text of row " + i);
    }
  }
}
