package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every single-byte change anywhere in an archive, and every truncation, is reported as a corrupt
 * archive by a full read (the read verify and import make), never accepted and never reported as
 * anything else.
 */
class ArchiveCorruptionTest {
  @TempDir static Path spool;

  static byte[] archive;

  @BeforeAll
  static void writeArchive() {
    Map<TableDef, List<Object[]>> tables = new LinkedHashMap<>();
    TableDef mixed =
        TestArchives.table(
            "mixed values",
            TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
            TestArchives.column("v", "", LogicalType.ANY));
    List<Object[]> rows = new ArrayList<>();
    Object[] values = {
      null, Long.MIN_VALUE, -0.0, "text with \0 and \uD83D\uDE00", new byte[0], new byte[] {1, 2, 3}
    };
    for (int i = 0; i < 30; i++) {
      rows.add(new Object[] {(long) i, values[i % values.length]});
    }
    tables.put(mixed, rows);
    TableDef typed =
        TestArchives.table(
            "typed",
            TestArchives.column("t", "TEXT", LogicalType.TEXT),
            TestArchives.column("r", "REAL", LogicalType.REAL));
    tables.put(typed, List.of(new Object[] {"a", 1.5}, new Object[] {null, Double.MAX_VALUE}));
    archive = TestArchives.write(spool, tables);
  }

  @Test
  void theUntouchedArchiveReads() {
    TestArchives.Read read = TestArchives.readAll(archive);
    assertEquals(30, read.rows().get("mixed values").size());
    assertEquals(2, read.rows().get("typed").size());
    assertEquals(0, archive.length % 10240, "archive is padded to whole 10240-byte tar records");
  }

  @ParameterizedTest(name = "xor 0x{0}")
  @ValueSource(strings = {"01", "10", "80", "ff"})
  void everyFlippedByteIsDetected(String maskHex) {
    assertEveryFlipDetected(maskHex, TestArchives::readAll);
  }

  /** The same with the rows prepared on the decoding thread, every other one as objects. */
  @ParameterizedTest(name = "xor 0x{0}, prepared")
  @ValueSource(strings = {"01", "ff"})
  void everyFlippedByteIsDetectedInPreparedRows(String maskHex) {
    assertEveryFlipDetected(maskHex, bad -> TestArchives.readAllPrepared(bad, r -> r % 2 == 1));
  }

  @Test
  void everyTruncationIsDetected() {
    assertEveryTruncationDetected(TestArchives::readAll);
  }

  @Test
  void everyTruncationIsDetectedInPreparedRows() {
    assertEveryTruncationDetected(cut -> TestArchives.readAllPrepared(cut, r -> r % 2 == 1));
  }

  private static void assertEveryFlipDetected(
      String maskHex, java.util.function.Consumer<byte[]> read) {
    int mask = Integer.parseInt(maskHex, 16);
    List<String> missed = new ArrayList<>();
    for (int pos = 0; pos < archive.length; pos++) {
      byte[] bad = archive.clone();
      bad[pos] ^= (byte) mask;
      String problem = outcome(() -> read.accept(bad));
      if (problem != null) {
        missed.add("byte " + pos + ": " + problem);
      }
    }
    assertTrue(
        missed.isEmpty(),
        missed.size()
            + " of "
            + archive.length
            + " flips not reported as corrupt, e.g. "
            + missed.subList(0, Math.min(20, missed.size()))
            + keep(missed));
  }

  private static void assertEveryTruncationDetected(java.util.function.Consumer<byte[]> read) {
    List<String> missed = new ArrayList<>();
    for (int len = 0; len < archive.length; len++) {
      byte[] cut = Arrays.copyOf(archive, len);
      String problem = outcome(() -> read.accept(cut));
      if (problem != null) {
        missed.add("length " + len + ": " + problem);
      }
    }
    assertTrue(
        missed.isEmpty(),
        missed.size()
            + " truncations not reported as corrupt, e.g. "
            + missed.subList(0, Math.min(20, missed.size()))
            + keep(missed));
  }

  /**
   * A damaged length field makes Avro allocate what it announces before reading anything; here the
   * first metadata key of a table file claims two billion bytes, more than the test heap (1g).
   */
  @Test
  void aHugeLengthFieldIsReportedAsCorruptionNotAsOutOfMemory() {
    byte[] bad = archive.clone();
    int member = indexOf(bad, new byte[] {'O', 'b', 'j', 1}); // the first Avro table file
    // after the magic: the metadata map's block count (one byte), then the first key's length
    byte[] billions = zigZagVarint(2_000_000_000L);
    System.arraycopy(billions, 0, bad, member + 5, billions.length);
    assertEquals(null, outcome(bad));
  }

  private static byte[] zigZagVarint(long v) {
    long z = (v << 1) ^ (v >> 63);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found");
  }

  /**
   * Avro gives every table file a random sync marker, so the archive differs from run to run; when
   * a run fails, its archive is kept so that the failure can be reproduced.
   */
  private static String keep(List<String> missed) {
    if (missed.isEmpty()) {
      return "";
    }
    try {
      Path kept = Path.of("target", "ArchiveCorruptionTest-failing.porter").toAbsolutePath();
      java.nio.file.Files.createDirectories(kept.getParent());
      java.nio.file.Files.write(kept, archive);
      return "; the archive is kept in " + kept;
    } catch (java.io.IOException e) {
      return "; the archive could not be kept: " + e;
    }
  }

  /** Null when a full read reports the archive corrupt; else what happened instead. */
  private static String outcome(byte[] bad) {
    return outcome(() -> TestArchives.readAll(bad));
  }

  /** Null when {@code read} reports the archive corrupt; else what happened instead. */
  private static String outcome(Runnable read) {
    try {
      read.run();
      return "accepted";
    } catch (PorterException e) {
      return e.category() == ErrorCategory.CORRUPT_ARCHIVE
          ? null
          : e.category() + ": " + e.getMessage();
    } catch (RuntimeException | OutOfMemoryError e) {
      return e.toString();
    }
  }
}
