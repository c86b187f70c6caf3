package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The block buffer keeps every byte, in order, across growth by single bytes and by arrays. */
class BlockBufferTest {
  @Test
  void keepsEveryByteAcrossGrowth() {
    Random random = new Random(42);
    byte[] expected = new byte[3 * 1024 * 1024 + 17];
    random.nextBytes(expected);
    BlockBuffer b = new BlockBuffer(16);
    int i = 0;
    while (i < expected.length) {
      if (random.nextBoolean()) {
        b.write(expected[i++]);
      } else {
        int len = Math.min(expected.length - i, random.nextInt(70_000));
        b.write(expected, i, len);
        i += len;
      }
    }
    assertEquals(expected.length, b.size());
    assertArrayEquals(expected, b.toByteArray());
  }

  @Test
  void oneArrayLargerThanDoubleTheCapacity() {
    byte[] big = new byte[1000];
    new Random(7).nextBytes(big);
    BlockBuffer b = new BlockBuffer(4);
    b.write(1);
    b.write(big, 10, 900);
    byte[] got = b.toByteArray();
    assertEquals(901, got.length);
    assertEquals(1, got[0]);
    assertEquals(big[10], got[1]);
    assertEquals(big[909], got[900]);
  }
}
