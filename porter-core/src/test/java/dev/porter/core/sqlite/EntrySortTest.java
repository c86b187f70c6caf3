package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index entries' sort orders them as signed longs, as {@link Arrays#sort} does: below and above
 * the size where it switches to sorting by digits, with entries that differ only in their lowest,
 * middle or highest digit, share digits, repeat, and sit at both ends of the range.
 */
class EntrySortTest {
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 100, SqliteIndexPages.RADIX_FROM - 1, SqliteIndexPages.RADIX_FROM})
  void sizesAroundTheSwitch(int n) {
    check(n, 1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void digitsOfEveryKind(int seed) {
    check(50_000 + seed, seed);
  }

  /**
   * One sorter used for run after run of an index, as a collector uses it: larger and smaller runs
   * than the one before, each sorted as if by a new one (its counts start from zero each time).
   */
  @org.junit.jupiter.api.Test
  void oneSorterRunAfterRun() {
    SqliteIndexPages.Sorter sorter = new SqliteIndexPages.Sorter();
    int[] sizes = {30_000, 50_000, SqliteIndexPages.RADIX_FROM, 20_000, 50_000, 100};
    for (int k = 0; k < sizes.length; k++) {
      long[] a = entries(sizes[k], 10 + k);
      long[] expected = a.clone();
      Arrays.sort(expected, 0, sizes[k]);
      sorter.sort(a, sizes[k]);
      assertArrayEquals(expected, a, "run " + k);
    }
  }

  private static void check(int n, int seed) {
    long[] a = entries(n, seed);
    long[] expected = a.clone();
    Arrays.sort(expected, 0, n);
    new SqliteIndexPages.Sorter().sort(a, n);
    assertArrayEquals(expected, a);
  }

  private static long[] entries(int n, int seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long base = r.nextLong();
    long[] a = new long[n + 7]; // entries past n must stay where they are
    for (int i = 0; i < a.length; i++) {
      a[i] =
          switch (i % 9) {
            case 0 -> r.nextLong(); // any digits
            case 1 -> base ^ (r.nextLong() & 0xFFFF); // the lowest digit only
            case 2 -> base ^ (r.nextLong() & 0xFFFF_0000_0000L); // a middle digit only
            case 3 -> base ^ (r.nextLong() & 0xFFFF_0000_0000_0000L); // the highest only
            case 4 -> Long.MIN_VALUE + r.nextInt(3);
            case 5 -> Long.MAX_VALUE - r.nextInt(3);
            case 6 -> r.nextInt(5) - 2L; // around zero, repeated
            case 7 -> ((r.nextLong(1L << 32) << 31) | r.nextInt(1 << 20)) ^ Long.MIN_VALUE;
            default -> base;
          };
    }
    return a;
  }
}
