package dev.porter.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's temporary files (deferred rows, spilled lookups) keep working with no name in their
 * directory, so that a killed import leaves none behind.
 */
class TemporaryFilesTest {
  @TempDir Path dir;

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void rowsComeBackInOrderFromAFileThatIsNeverVisibleInItsDirectory() throws Exception {
    List<Object[]> back = new ArrayList<>();
    try (RowSpill spill = new RowSpill(dir, "ticket")) {
      // unlinked as soon as it is open: a process killed from here on leaves nothing behind
      assertEquals(List.of(), files());
      // more than the 64 KiB buffers, so the rows go through the file
      for (long i = 0; i < 20_000; i++) {
        spill.add(new Object[] {i, "row " + i, i % 7 == 0 ? null : (int) i});
      }
      assertEquals(20_000, spill.rows());
      assertEquals(List.of(), files());
      spill.replay(back::add);
    }
    assertEquals(20_000, back.size());
    assertArrayEquals(new Object[] {0L, "row 0", null}, back.get(0));
    assertArrayEquals(new Object[] {12_345L, "row 12345", 12_345L}, back.get(12_345));
    assertArrayEquals(new Object[] {19_999L, "row 19999", null}, back.get(19_999));
    assertArrayEquals(new Object[] {19_998L, "row 19998", 19_998L}, back.get(19_998));
    assertEquals(List.of(), files());
  }

  @Test
  void aSpilledStoreKeepsEveryEntryInAFileThatIsNoLongerInItsDirectory() throws Exception {
    try (KeyedStore store = new KeyedStore("customer", 100, dir)) {
      for (long i = 0; i < 5_000; i++) {
        assertTrue(store.putIfAbsent(new Object[] {i, "k" + (i % 3)}, new Object[] {"row " + i}));
      }
      assertTrue(store.spilled());
      // SQLite writes its journal-less file through the descriptor it holds; the name is gone, so
      // a killed import leaves nothing behind
      assertEquals(List.of(), files());
      assertFalse(store.putIfAbsent(new Object[] {42L, "k0"}, new Object[] {"again"}));
      for (long i = 101; i < 10_000; i++) {
        store.putIfAbsent(new Object[] {i, "k" + (i % 3)}, new Object[] {"row " + i});
      }
      assertEquals(10_000, store.size());
      assertArrayEquals(new Object[] {"row 42"}, store.get(new Object[] {42L, "k0"}));
      assertArrayEquals(new Object[] {"row 9999"}, store.get(new Object[] {9_999L, "k0"}));
      assertNull(store.get(new Object[] {42L, "k1"}));
      assertEquals(List.of(), files());
    }
    assertEquals(List.of(), files());
  }
}
