package dev.porter.core.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL's COPY text format: one row per line, fields separated by tabs, {@code \N} for NULL,
 * and backslash escapes for backslash, tab, newline and carriage return (plus octal and hex
 * escapes, which the server does not emit but may be read).
 */
final class CopyText {
  private CopyText() {}

  /** Reads rows of COPY text from a stream, one {@code String[]} per row (null for \N). */
  static final class Reader {
    private final InputStream in;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private byte[] scratch = new byte[256];
    private boolean eof;

    Reader(InputStream in) {
      this.in = in;
    }

    /** Makes sure at least one unread byte is buffered; false at the end of the stream. */
    private boolean fill() throws IOException {
      if (pos < len) {
        return true;
      }
      if (eof) {
        return false;
      }
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        eof = true;
        len = pos = 0;
        return false;
      }
      pos = 0;
      len = n;
      return true;
    }

    /** The next row's fields, or null at the end of the stream. */
    String[] next(int width) throws IOException {
      if (!fill()) {
        return null;
      }
      String[] fields = new String[Math.max(width, 1)];
      int count = 0;
      while (true) {
        // Fast path: the whole field is in the buffer and has no backslash.
        int start = pos;
        int i = start;
        byte[] b = buf;
        int end = len;
        while (i < end) {
          byte c = b[i];
          if (c == '\t' || c == '\n' || c == '\\') {
            break;
          }
          i++;
        }
        String value;
        byte stop;
        if (i < end && b[i] != '\\') {
          value = new String(b, start, i - start, StandardCharsets.UTF_8);
          stop = b[i];
          pos = i + 1;
        } else {
          // Slow path: escapes, or a field that continues in the next buffer.
          int n = 0;
          boolean isNull = false;
          stop = '\n';
          while (true) {
            if (!fill()) {
              break;
            }
            int run = pos;
            while (run < len && buf[run] != '\t' && buf[run] != '\n' && buf[run] != '\\') {
              run++;
            }
            if (run > pos) {
              // plain bytes between escapes (bytea's hex digits) are copied as a block
              n = putAll(n, pos, run - pos);
              pos = run;
              continue;
            }
            byte c = buf[pos++];
            if (c == '\t' || c == '\n') {
              stop = c;
              break;
            }
            if (c == '\\') {
              if (!fill()) {
                break;
              }
              byte e = buf[pos++];
              int v;
              switch (e) {
                case 'N' -> {
                  isNull = true;
                  continue;
                }
                case 't' -> v = '\t';
                case 'n' -> v = '\n';
                case 'r' -> v = '\r';
                case 'b' -> v = '\b';
                case 'f' -> v = '\f';
                case 'v' -> v = 0x0b;
                case 'x' -> v = hex(readByte()) * 16 + hex(readByte());
                default -> {
                  if (e >= '0' && e <= '7') {
                    v = (e - '0') * 64 + (readByte() - '0') * 8 + (readByte() - '0');
                  } else {
                    v = e;
                  }
                }
              }
              n = put(n, v);
            } else {
              n = put(n, c);
            }
          }
          value = isNull ? null : new String(scratch, 0, n, StandardCharsets.UTF_8);
        }
        if (count == fields.length) {
          fields = java.util.Arrays.copyOf(fields, count * 2);
        }
        fields[count++] = value;
        if (stop == '\n') {
          break;
        }
      }
      return count == fields.length ? fields : java.util.Arrays.copyOf(fields, count);
    }

    private int put(int n, int v) {
      if (n == scratch.length) {
        scratch = java.util.Arrays.copyOf(scratch, n * 2);
      }
      scratch[n] = (byte) v;
      return n + 1;
    }

    private int putAll(int n, int from, int count) {
      if (n + count > scratch.length) {
        scratch = java.util.Arrays.copyOf(scratch, Math.max(scratch.length * 2, n + count));
      }
      System.arraycopy(buf, from, scratch, n, count);
      return n + count;
    }

    private int readByte() throws IOException {
      return fill() ? buf[pos++] : -1;
    }

    private static int hex(int c) {
      return Character.digit(c, 16);
    }
  }

  /**
   * Appends one field in COPY text form. Most values need no escape and are appended whole (a
   * profile of an import put a third of its time in appending character by character).
   */
  static void appendField(StringBuilder out, String value) {
    if (value == null) {
      out.append("\\N");
      return;
    }
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String escape =
          switch (c) {
            case '\\' -> "\\\\";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> null;
          };
      if (escape != null) {
        out.append(value, from, i).append(escape);
        from = i + 1;
      }
    }
    if (from == 0) {
      out.append(value);
    } else {
      out.append(value, from, value.length());
    }
  }
}
