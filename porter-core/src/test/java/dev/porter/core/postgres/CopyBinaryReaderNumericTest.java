package dev.porter.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.model.DecimalText;
import dev.porter.core.model.SpecialNumber;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * numeric_send's fields read as the plain text of {@code new BigDecimal(numeric_out(x))}: the
 * expected text is worked out here with BigDecimal arithmetic from the same digits, weight, sign
 * and display scale.
 */
class CopyBinaryReaderNumericTest {
  /** One COPY binary stream of one-column rows, each a numeric field. */
  private static byte[] stream(int[][] fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(CopyBinary.HEADER);
    for (int[] f : fields) { // ndigits, weight, sign, dscale, digits…
      out.writeShort(1);
      out.writeInt(8 + 2 * (f.length - 4));
      for (int x : f) {
        out.writeShort(x);
      }
    }
    out.writeShort(-1);
    return bytes.toByteArray();
  }

  private static Object[] read(int[]... fields) throws IOException {
    CopyBinaryReader r =
        new CopyBinaryReader(
            new ByteArrayInputStream(stream(fields)),
            new CopyBinary.Kind[] {CopyBinary.Kind.NUMERIC});
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      values[i] = r.next()[0];
    }
    assertEquals(null, r.next());
    return values;
  }

  private static int[] field(int weight, int sign, int dscale, int... digits) {
    int[] f = new int[4 + digits.length];
    f[0] = digits.length;
    f[1] = weight;
    f[2] = sign;
    f[3] = dscale;
    System.arraycopy(digits, 0, f, 4, digits.length);
    return f;
  }

  /** What BigDecimal makes of the digits, cut to the display scale as numeric_out prints it. */
  private static String expected(int[] f) {
    BigDecimal v = BigDecimal.ZERO;
    for (int i = 0; i < f[0]; i++) {
      v = v.add(BigDecimal.valueOf(f[4 + i]).scaleByPowerOfTen(4 * ((short) f[1] - i)));
    }
    v = v.setScale(f[3], RoundingMode.DOWN);
    return (f[2] == 0x4000 ? v.negate() : v).toPlainString();
  }

  @Test
  void theTextOfTheValuesNumericOutPrints() throws IOException {
    int[][] fields = {
      field(0, 0, 2, 12, 5000), // 12.50
      field(-1, 0x4000, 4, 1), // -0.0001
      field(1, 0, 0, 10), // 100000: a weight above the last digit
      field(0, 0, 3), // 0.000: no digits
      field(2, 0, 0, 1, 0, 1), // 100000001
      field(-2, 0, 5, 3000), // 0.00003
      field(0, 0, 2, 1, 2345), // 1.23: digits past the display scale are not printed
      field(-1, 0x4000, 2, 1), // -0.0001 at scale 2 prints 0.00, not -0.00
      field(0, 0x4000, 0, 7), // -7
      field(4, 0, 1, 1234, 5678, 9012, 3456, 7890, 5000) // 12345678901234567890.5
    };
    String[] texts = {
      "12.50",
      "-0.0001",
      "100000",
      "0.000",
      "100000001",
      "0.00003",
      "1.23",
      "0.00",
      "-7",
      "12345678901234567890.5"
    };
    Object[] values = read(fields);
    for (int i = 0; i < fields.length; i++) {
      assertEquals(texts[i], expected(fields[i]), "the expectation itself, field " + i);
      assertEquals(texts[i], assertInstanceOf(DecimalText.class, values[i]).text(), "field " + i);
    }
  }

  @Test
  void randomDigitsWeightsAndScalesReadAsBigDecimalPrintsThem() throws IOException {
    SplittableRandom r = new SplittableRandom(11);
    int[][] fields = new int[20_000][];
    for (int i = 0; i < fields.length; i++) {
      int[] digits = new int[r.nextInt(0, 9)];
      for (int j = 0; j < digits.length; j++) {
        // mostly what PostgreSQL sends (no leading or trailing zero digit), sometimes not
        digits[j] = r.nextInt(8) == 0 ? 0 : r.nextInt(1, 10_000);
      }
      fields[i] = field(r.nextInt(-6, 9), r.nextBoolean() ? 0 : 0x4000, r.nextInt(0, 30), digits);
    }
    Object[] values = read(fields);
    for (int i = 0; i < fields.length; i++) {
      String text = assertInstanceOf(DecimalText.class, values[i]).text();
      assertEquals(expected(fields[i]), text, java.util.Arrays.toString(fields[i]));
    }
  }

  @Test
  void specialValuesAndMalformedFields() throws IOException {
    Object[] values = read(field(0, 0xC000, 0), field(0, 0xD000, 0), field(0, 0xF000, 0));
    assertEquals(SpecialNumber.NAN, values[0]);
    assertEquals(SpecialNumber.POSITIVE_INFINITY, values[1]);
    assertEquals(SpecialNumber.NEGATIVE_INFINITY, values[2]);
    IOException digit = assertThrows(IOException.class, () -> read(field(0, 0, 0, 10_000)));
    assertTrue(digit.getMessage().contains("10000"), digit.getMessage());
    int[] counted = field(0, 0, 0, 1, 2);
    counted[0] = 3; // says three digits, sends two
    IOException length = assertThrows(IOException.class, () -> read(counted));
    assertTrue(length.getMessage().contains("3 digits"), length.getMessage());
  }
}
