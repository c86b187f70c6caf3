package dev.porter.formats;

import dev.porter.core.PorterException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Reads the tar streams {@link TarWriter} writes, strictly: every header checksum is checked, the
 * padding after each member must be zero, and the stream must end with the two zero blocks. Every
 * byte read is hashed so that the trailer's prefix checksum can be compared.
 */
final class TarReader {
  private final InputStream in;
  private final MessageDigest digest = Digests.sha256();
  private final boolean hashing;
  private Member current;
  private byte[] digestBeforeLastHeader;
  private long position;

  TarReader(InputStream in, boolean hashing) {
    this.in = in;
    this.hashing = hashing;
  }

  /** One member; read its bytes from {@link #content()}. */
  final class Member extends InputStream {
    private final String name;
    private final long size;
    private long remaining;

    private Member(String name, long size) {
      this.name = name;
      this.size = size;
      this.remaining = size;
    }

    String name() {
      return name;
    }

    long size() {
      return size;
    }

    InputStream content() {
      return this;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException(
            "archive ends inside member "
                + name
                + " ("
                + remaining
                + " of "
                + size
                + " bytes missing)");
      }
      if (hashing) {
        digest.update(b, off, n);
      }
      remaining -= n;
      position += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (hashing) {
        return super.skip(n);
      }
      long toSkip = Math.min(n, remaining);
      long skipped = in.skip(toSkip);
      if (skipped <= 0) {
        return read() < 0 ? 0 : 1;
      }
      remaining -= skipped;
      position += skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(Integer.MAX_VALUE, Math.min(remaining, in.available()));
    }

    @Override
    public void close() {
      // the tar stream stays open; the next call to next() drains what is left
    }

    void drain() throws IOException {
      byte[] buffer = new byte[1 << 16];
      while (remaining > 0) {
        if (!hashing) {
          long s = skip(remaining);
          if (s > 0) {
            continue;
          }
        }
        read(buffer, 0, (int) Math.min(buffer.length, remaining));
      }
    }
  }

  /**
   * The next member, or null at the end of the archive. Whatever was left of the previous member is
   * read first.
   */
  Member next() throws IOException {
    if (current != null) {
      current.drain();
      int rest = (int) (current.size % TarWriter.BLOCK);
      if (rest != 0) {
        byte[] pad = readFully(TarWriter.BLOCK - rest, "padding of " + current.name);
        for (byte b : pad) {
          if (b != 0) {
            throw PorterException.corrupt(
                "archive corrupt: non-zero padding after member " + current.name);
          }
        }
      }
      current = null;
    }
    digestBeforeLastHeader = hashing ? Digests.copy(digest).digest() : null;
    byte[] h = readFully(TarWriter.BLOCK, "a member header");
    if (isZero(h)) {
      byte[] second = readFully(TarWriter.BLOCK, "the end-of-archive marker");
      if (!isZero(second)) {
        throw PorterException.corrupt("archive corrupt: a lone zero block at byte " + position);
      }
      readRecordPadding();
      return null;
    }
    checkChecksum(h);
    String name = cString(h, 0, 100);
    String magic = cString(h, 257, 6);
    if (!magic.startsWith("ustar")) {
      throw PorterException.corrupt(
          "not a porter archive: member header at byte " + (position - 512) + " is not ustar");
    }
    byte type = h[156];
    if (type != '0' && type != 0) {
      throw PorterException.corrupt(
          "archive corrupt: member "
              + name
              + " is not a regular file (type '"
              + (char) type
              + "')");
    }
    String prefix = cString(h, 345, 155);
    if (!prefix.isEmpty()) {
      name = prefix + "/" + name;
    }
    current = new Member(name, size(h, name));
    return current;
  }

  /**
   * After the end-of-archive marker the writer pads with zeros to a whole record, and the archive
   * ends there: the padding must be complete and zero, and nothing may follow it. Without this
   * check a change or a cut in the archive's last bytes would go unnoticed.
   */
  private void readRecordPadding() throws IOException {
    int rest = (int) ((TarWriter.RECORD - position % TarWriter.RECORD) % TarWriter.RECORD);
    byte[] padding = readFully(rest, "the zero padding at the end of the archive");
    if (!isZero(padding)) {
      throw PorterException.corrupt(
          "archive corrupt: non-zero bytes in the padding after the end-of-archive marker");
    }
    if (in.read() >= 0) {
      throw PorterException.corrupt(
          "archive corrupt: unexpected data after the end of the archive at byte " + position);
    }
  }

  /** The SHA-256 of every byte before the header of the member last returned by {@link #next}. */
  byte[] digestBeforeLastHeader() {
    return digestBeforeLastHeader;
  }

  private byte[] readFully(int n, String what) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        if (off == 0 && what.startsWith("a member header")) {
          throw new EOFException("archive ends before the end-of-archive marker (truncated)");
        }
        throw new EOFException("archive ends inside " + what + " (truncated)");
      }
      off += r;
    }
    if (hashing) {
      digest.update(b, 0, n);
    }
    position += n;
    return b;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private void checkChecksum(byte[] h) {
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < h.length; i++) {
      int v = (i >= 148 && i < 156) ? ' ' : h[i];
      unsigned += v & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : h[i];
    }
    // The field is exactly six octal digits, NUL, space (as TarWriter, GNU tar, libarchive and
    // Python write it). The sum does not cover the field, so anything looser would let a changed
    // byte in it pass unnoticed.
    boolean wellFormed = h[154] == 0 && h[155] == ' ';
    for (int i = 148; i < 154; i++) {
      wellFormed &= h[i] >= '0' && h[i] <= '7';
    }
    if (!wellFormed) {
      throw PorterException.corrupt(
          "archive corrupt: unreadable member header checksum at byte " + (position - 512));
    }
    long stored = Long.parseLong(new String(h, 148, 6, StandardCharsets.US_ASCII), 8);
    if (stored != unsigned && stored != signed) {
      throw PorterException.corrupt(
          "archive corrupt: member header checksum mismatch at byte " + (position - 512));
    }
  }

  private static long size(byte[] h, String name) {
    if ((h[124] & 0x80) != 0) {
      long v = 0;
      for (int i = 125; i < 136; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    String s = cString(h, 124, 12).trim();
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw PorterException.corrupt("archive corrupt: unreadable size of member " + name);
    }
  }

  private static String cString(byte[] h, int offset, int length) {
    int end = offset;
    while (end < offset + length && h[end] != 0) {
      end++;
    }
    return new String(h, offset, end - offset, StandardCharsets.UTF_8);
  }
}
