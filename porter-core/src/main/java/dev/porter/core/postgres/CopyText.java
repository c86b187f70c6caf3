package dev.porter.core.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private final ByteArrayOutputStream field = new ByteArrayOutputStream(256);

    Reader(InputStream in) {
      this.in = in;
    }

    private int read() throws IOException {
      if (pos == len) {
        len = in.read(buf, 0, buf.length);
        pos = 0;
        if (len <= 0) {
          len = 0;
          return -1;
        }
      }
      return buf[pos++] & 0xff;
    }

    /** The next row's fields, or null at the end of the stream. */
    String[] next(int width) throws IOException {
      int c = read();
      if (c < 0) {
        return null;
      }
      List<String> fields = new ArrayList<>(width);
      field.reset();
      boolean isNull = false;
      while (true) {
        if (c < 0 || c == '\n') {
          fields.add(isNull ? null : field.toString(StandardCharsets.UTF_8));
          break;
        }
        if (c == '\t') {
          fields.add(isNull ? null : field.toString(StandardCharsets.UTF_8));
          field.reset();
          isNull = false;
        } else if (c == '\\') {
          int e = read();
          switch (e) {
            case 'N' -> isNull = true;
            case 't' -> field.write('\t');
            case 'n' -> field.write('\n');
            case 'r' -> field.write('\r');
            case 'b' -> field.write('\b');
            case 'f' -> field.write('\f');
            case 'v' -> field.write(0x0b);
            case 'x' -> field.write(hex(read()) * 16 + hex(read()));
            default -> {
              if (e >= '0' && e <= '7') {
                int v = e - '0';
                v = v * 8 + (read() - '0');
                v = v * 8 + (read() - '0');
                field.write(v);
              } else {
                field.write(e);
              }
            }
          }
        } else {
          field.write(c);
        }
        c = read();
      }
      return fields.toArray(new String[0]);
    }

    private static int hex(int c) {
      return Character.digit(c, 16);
    }
  }

  /** Appends one field in COPY text form. */
  static void appendField(StringBuilder out, String value) {
    if (value == null) {
      out.append("\\N");
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
  }
}
