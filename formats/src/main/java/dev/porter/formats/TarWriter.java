package dev.porter.formats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Writes a POSIX ustar stream of regular files, as {@code tar -xf} expects. Members larger than
 * ustar's 8 GiB limit get their size in the GNU base-256 form that GNU tar, bsdtar and Python's
 * tarfile read. Every byte written before {@link #takePrefixDigest()} is hashed.
 */
final class TarWriter {
  static final int BLOCK = 512;
  static final int RECORD = 20 * BLOCK;
  private static final long USTAR_MAX_SIZE = 077777777777L;

  private final OutputStream out;
  private MessageDigest prefix = Digests.sha256();
  private long position;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  void writeEntry(String name, byte[] content, long mtimeSeconds) throws IOException {
    writeHeader(name, content.length, mtimeSeconds);
    write(content, 0, content.length);
    pad(content.length);
  }

  void writeEntry(String name, long size, long mtimeSeconds, InputStream content)
      throws IOException {
    writeHeader(name, size, mtimeSeconds);
    byte[] buffer = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("spool file for " + name + " ended " + left + " bytes early");
      }
      write(buffer, 0, n);
      left -= n;
    }
    pad(size);
  }

  /**
   * The SHA-256 of everything written so far. Called once, right before the trailer's header; bytes
   * written afterwards are not hashed.
   */
  byte[] takePrefixDigest() {
    byte[] d = prefix.digest();
    prefix = null;
    return d;
  }

  /** Writes the two end-of-archive blocks and pads to a whole 10240-byte record. */
  void finish() throws IOException {
    byte[] zeros = new byte[BLOCK];
    write(zeros, 0, BLOCK);
    write(zeros, 0, BLOCK);
    while (position % RECORD != 0) {
      write(zeros, 0, BLOCK);
    }
    out.flush();
  }

  private void writeHeader(String name, long size, long mtimeSeconds) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) {
      throw new IllegalArgumentException("tar member name longer than 100 bytes: " + name);
    }
    byte[] h = new byte[BLOCK];
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    if (size <= USTAR_MAX_SIZE) {
      octal(h, 124, 12, size);
    } else {
      h[124] = (byte) 0x80;
      long v = size;
      for (int i = 135; i > 124; i--) {
        h[i] = (byte) (v & 0xff);
        v >>>= 8;
      }
    }
    octal(h, 136, 12, Math.max(0, mtimeSeconds));
    h[156] = '0';
    ascii(h, 257, "ustar");
    h[263] = '0';
    h[264] = '0';
    ascii(h, 265, "porter");
    ascii(h, 297, "porter");
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format("%06o", sum);
    ascii(h, 148, chk);
    h[154] = 0;
    h[155] = ' ';
    write(h, 0, BLOCK);
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      write(new byte[BLOCK - rest], 0, BLOCK - rest);
    }
  }

  private void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    if (prefix != null) {
      prefix.update(b, off, len);
    }
    position += len;
  }

  private static void octal(byte[] h, int offset, int length, long value) {
    String s = Long.toOctalString(value);
    int digits = length - 1;
    if (s.length() > digits) {
      throw new IllegalArgumentException("value " + value + " does not fit a tar field");
    }
    String padded = "0".repeat(digits - s.length()) + s;
    ascii(h, offset, padded);
    h[offset + digits] = 0;
  }

  private static void ascii(byte[] h, int offset, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, offset, b.length);
  }
}
