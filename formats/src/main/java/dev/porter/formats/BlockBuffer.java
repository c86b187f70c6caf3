package dev.porter.formats;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The growable buffer one Avro block is encoded into. Unlike {@link java.io.ByteArrayOutputStream}
 * it takes no lock: Avro's direct encoder writes most varints a byte at a time, and the lock and
 * capacity check around each byte were 5 % of a SQLite export's CPU. Used by one thread at a time.
 */
final class BlockBuffer extends OutputStream {
  private byte[] buf;
  private int count;

  BlockBuffer(int capacity) {
    buf = new byte[capacity];
  }

  @Override
  public void write(int b) {
    if (count == buf.length) {
      grow(1);
    }
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (len > buf.length - count) {
      grow(len);
    }
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  private void grow(int needed) {
    long want = Math.max((long) count + needed, (long) buf.length * 2);
    if (want > Integer.MAX_VALUE - 8) {
      if ((long) count + needed > Integer.MAX_VALUE - 8) {
        throw new OutOfMemoryError("an Avro block larger than 2 GB");
      }
      want = Integer.MAX_VALUE - 8;
    }
    buf = Arrays.copyOf(buf, (int) want);
  }

  int size() {
    return count;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  /** The buffer's array; its first {@link #size} bytes are what was written. */
  byte[] array() {
    return buf;
  }

  int capacity() {
    return buf.length;
  }

  /** Empties the buffer for the next block, keeping its array. */
  void reset() {
    count = 0;
  }
}
