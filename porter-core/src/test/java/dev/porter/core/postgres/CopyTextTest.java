package dev.porter.core.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * COPY text written by {@link CopyText#appendField} reads back field for field, however it is
 * chunked.
 */
class CopyTextTest {
  private static final String[] PIECES = {
    "a", "ü", "🙂", "\t", "\n", "\r", "\\", "\\N", "N", "x".repeat(70_000), "", " "
  };

  @Test
  void randomRowsSurviveAnyChunking() throws IOException {
    SplittableRandom rnd = new SplittableRandom(42);
    List<String[]> rows = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int r = 0; r < 300; r++) {
      String[] row = new String[1 + rnd.nextInt(5)];
      for (int i = 0; i < row.length; i++) {
        if (rnd.nextInt(6) == 0) {
          row[i] = null;
        } else {
          StringBuilder v = new StringBuilder();
          int n = rnd.nextInt(4);
          for (int k = 0; k < n; k++) {
            String piece = PIECES[rnd.nextInt(PIECES.length)];
            v.append(piece.length() > 1000 && rnd.nextInt(10) != 0 ? "y" : piece);
          }
          row[i] = v.toString();
        }
        if (i > 0) {
          text.append('\t');
        }
        CopyText.appendField(text, row[i]);
      }
      text.append('\n');
      rows.add(row);
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 2, 3, 7, 1 << 16}) {
      CopyText.Reader reader = new CopyText.Reader(chunked(bytes, chunk));
      for (String[] expected : rows) {
        assertArrayEquals(expected, reader.next(expected.length), "chunk " + chunk);
      }
      assertNull(reader.next(1));
    }
  }

  @Test
  void octalAndHexEscapesThatTheServerMaySendAreRead() throws IOException {
    byte[] bytes = "a\\101\\x42c\tz\n".getBytes(StandardCharsets.US_ASCII);
    CopyText.Reader reader = new CopyText.Reader(new ByteArrayInputStream(bytes));
    assertArrayEquals(new String[] {"aABc", "z"}, reader.next(2));
  }

  private static InputStream chunked(byte[] bytes, int chunk) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }
}
