package dev.porter.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.model.DecimalText;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The bytes of COPY's binary format, written out by hand from PostgreSQL's documentation and its
 * send functions (numeric_send, timestamp_send, date_send, uuid_send, jsonb_send), and the values
 * that must stay on the text path.
 */
class CopyBinaryTest {
  static PgColumn col(String base) {
    return new PgColumn("c", base, base, 'N', -1);
  }

  static PgColumn numeric(int p, int s) {
    return new PgColumn("c", "numeric(" + p + "," + s + ")", "numeric", 'N', ((p << 16) | s) + 4);
  }

  /** The field as hex, or null when the value is not encoded. */
  static String hex(PgColumn c, Object v) {
    CopyBinary.Buffer b = new CopyBinary.Buffer();
    if (!CopyBinary.encode(CopyBinary.kind(c), c, v, b)) {
      assertEquals(0, b.length(), "nothing appended when refused");
      return null;
    }
    return HexFormat.of().formatHex(b.array(), 0, b.length());
  }

  @Test
  void integersInTheirWidthAndNull() {
    assertEquals("00000008" + "fffffffffffffffe", hex(col("int8"), -2L));
    assertEquals("00000004" + "80000000", hex(col("int4"), (long) Integer.MIN_VALUE));
    assertEquals("00000002" + "7fff", hex(col("int2"), 32767L));
    assertEquals("ffffffff", hex(col("int4"), null));
    assertNull(hex(col("int4"), 2147483648L), "out of range: the text path reports it");
    assertNull(hex(col("int2"), -32769L));
    assertNull(hex(col("int8"), "12"), "text into an integer column is a coercion");
  }

  @Test
  void numericDigitsInBaseTenThousand() {
    // ndigits, weight, sign, dscale, digits
    assertEquals(
        "0000000c" + "0002" + "0000" + "0000" + "0002" + "000c" + "1388",
        hex(col("numeric"), new BigDecimal("12.50")));
    assertEquals(
        "0000000a" + "0001" + "ffff" + "4000" + "0004" + "0001",
        hex(col("numeric"), new BigDecimal("-0.0001")));
    assertEquals(
        "0000000a" + "0001" + "0001" + "0000" + "0000" + "000a",
        hex(col("numeric"), new BigDecimal("1E+5")));
    assertEquals(
        "00000008" + "0000" + "0000" + "0000" + "0003",
        hex(col("numeric"), new BigDecimal("0.000")));
    assertEquals(
        "0000000e" + "0003" + "0002" + "0000" + "0000" + "0001" + "0000" + "0001",
        hex(col("numeric"), new BigDecimal("100000001")));
    assertEquals(
        "0000000a" + "0001" + "fffe" + "0000" + "0005" + "0bb8",
        hex(col("numeric"), new BigDecimal("0.00003")));
  }

  @Test
  void numericBeyondFifteenDigits() {
    assertEquals(
        "00000014" + "0006" + "0004" + "0000" + "0001" + "04d2162e23340d801ed21388",
        hex(col("numeric"), new BigDecimal("12345678901234567890.5")));
  }

  /** The long-arithmetic path and the one through decimal digits agree on every value both take. */
  @Test
  void bothNumericPathsAgree() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(42);
    PgColumn[] cols = {col("numeric"), numeric(10, 2), numeric(15, 15), numeric(15, 0)};
    for (int i = 0; i < 20_000; i++) {
      long unscaled =
          r.nextLong(-999_999_999_999_999L, 1_000_000_000_000_000L) / (1L << r.nextInt(50));
      BigDecimal d = BigDecimal.valueOf(unscaled, r.nextInt(16));
      for (PgColumn c : cols) {
        CopyBinary.Buffer a = new CopyBinary.Buffer();
        CopyBinary.Buffer b = new CopyBinary.Buffer();
        boolean fa = CopyBinary.smallNumeric(d, c, a);
        boolean fb = CopyBinary.anyNumeric(d, c, b);
        assertEquals(fb, fa, d + " into " + c.declared());
        assertEquals(
            HexFormat.of().formatHex(b.array(), 0, b.length()),
            HexFormat.of().formatHex(a.array(), 0, a.length()),
            d + " into " + c.declared());
      }
    }
  }

  /**
   * A decimal handed over as its plain text ({@link DecimalText}) is encoded to the very bytes its
   * {@code BigDecimal} is, and refused where that is: short and long values, leading zeros, a
   * negative zero, scales past 15.
   */
  @Test
  void decimalTextEncodesAsItsBigDecimal() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    PgColumn[] cols = {
      col("numeric"), numeric(10, 2), numeric(15, 15), numeric(15, 0), numeric(4, 2)
    };
    List<String> texts =
        new java.util.ArrayList<>(
            List.of(
                "0",
                "-0",
                "-0.00",
                "007.50",
                "0.000",
                "-0.0001",
                "100000001",
                "99.000",
                "1.005",
                "100.00",
                "999999999999999",
                "9999999999999999",
                "12345678901234567890.5",
                "0." + "0".repeat(1200) + "1",
                "1." + "0".repeat(20)));
    for (int i = 0; i < 20_000; i++) {
      long unscaled =
          r.nextLong(-999_999_999_999_999L, 1_000_000_000_000_000L) / (1L << r.nextInt(50));
      int scale = r.nextInt(22);
      String plain = BigDecimal.valueOf(unscaled, scale).toPlainString();
      texts.add(plain);
      if (r.nextInt(4) == 0) {
        texts.add(plain + "9".repeat(r.nextInt(1, 6))); // past 15 significant digits
      }
    }
    for (String text : texts) {
      DecimalText t = DecimalText.ofPlain(text);
      for (PgColumn c : cols) {
        assertEquals(
            hex(c, new BigDecimal(text)),
            hex(c, t),
            (text.length() > 40 ? text.substring(0, 40) + "…" : text) + " into " + c.declared());
      }
    }
  }

  @Test
  void numericTheColumnWouldRoundOrOverflowStaysOnTheTextPath() {
    assertNull(hex(numeric(10, 2), new BigDecimal("1.005")), "rounding");
    assertNull(hex(numeric(4, 2), new BigDecimal("100.00")), "overflow");
    // the value's own display scale: the column's typmod then makes it 2, as for text
    assertEquals(
        "0000000c" + "0002" + "0000" + "0000" + "0001" + "0001" + "1388",
        hex(numeric(4, 2), new BigDecimal("1.5")));
    assertEquals(
        "0000000a" + "0001" + "0000" + "0000" + "0003" + "0063",
        hex(numeric(5, 3), new BigDecimal("99.000")));
  }

  @Test
  void timestampsInMicrosecondsFrom2000() {
    assertEquals(
        "00000008" + "0000000000000000",
        hex(col("timestamptz"), Instant.parse("2000-01-01T00:00:00Z")));
    assertEquals(
        "00000008" + "ffffffffffffffff",
        hex(col("timestamp"), LocalDateTime.parse("1999-12-31T23:59:59.999999")));
    assertEquals(
        "00000008" + "000000000098967f",
        hex(col("timestamptz"), Instant.parse("2000-01-01T00:00:09.999999Z")));
    assertNull(
        hex(col("timestamptz"), Instant.parse("2000-01-01T00:00:00.0000001Z")), "sub-microsecond");
    assertNull(hex(col("timestamptz"), Instant.MAX), "infinity is text");
    assertNull(hex(col("timestamp"), LocalDateTime.MIN));
    PgColumn ts0 = new PgColumn("c", "timestamp(0)", "timestamp", 'D', 0);
    assertNull(hex(ts0, LocalDateTime.parse("2024-01-01T00:00:00.5")), "the column would round");
    assertEquals(
        "00000008" + "000000003b9aca00", hex(ts0, LocalDateTime.parse("2000-01-01T00:16:40")));
    assertNull(hex(col("timestamp"), Instant.EPOCH), "timestamptz into timestamp is a coercion");
  }

  @Test
  void datesUuidsBooleansFloatsBytesAndText() {
    assertEquals("00000004" + "ffffffff", hex(col("date"), LocalDate.parse("1999-12-31")));
    assertEquals("00000004" + "00000000", hex(col("date"), LocalDate.parse("2000-01-01")));
    assertNull(hex(col("date"), LocalDate.MAX));
    assertEquals(
        "00000010" + "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        hex(col("uuid"), UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")));
    assertNull(hex(col("uuid"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    assertEquals("00000001" + "01", hex(col("bool"), true));
    assertEquals("00000008" + "8000000000000000", hex(col("float8"), -0.0));
    assertEquals("00000004" + "3fc00000", hex(col("float4"), 1.5));
    assertNull(hex(col("float4"), 0.1), "0.1 is not a float4");
    assertEquals("00000000", hex(col("bytea"), new byte[0]));
    assertEquals("00000003" + "00ff10", hex(col("bytea"), new byte[] {0, -1, 16}));
    assertEquals("00000004" + "c3bc" + "6162", hex(col("text"), "üab"));
    assertEquals("00000003" + "01" + "5b5d", hex(col("jsonb"), "[]"));
    assertEquals("00000002" + "5b5d", hex(col("json"), "[]"));
    assertNull(hex(col("text"), "a\0b"), "NUL: the text path refuses or strips it");
  }

  @Test
  void oneDimensionalTextArraysInArrayOutputsForm() {
    PgColumn text = new PgColumn("c", "text[]", "_text", 'A', -1);
    // ndim 1, has nulls, element oid 25 (text), 4 elements from 1, then each element
    assertEquals(
        "0000002d"
            + "00000001"
            + "00000001"
            + "00000019"
            + "00000004"
            + "00000001"
            + "00000001"
            + "61"
            + "ffffffff"
            + "00000003"
            + "622063"
            + "00000005"
            + "71225c784e",
        hex(text, "{a,NULL,\"b c\",\"q\\\"\\\\xN\"}"));
    assertEquals("0000000c" + "00000000" + "00000000" + "00000019", hex(text, "{}"));
    PgColumn varchar = new PgColumn("c", "character varying(3)[]", "_varchar", 'A', 7);
    assertEquals(
        "0000001c"
            + "00000001"
            + "00000000"
            + "00000413"
            + "00000001"
            + "00000001"
            + "00000004"
            + "4e554c4c",
        hex(varchar, "{\"NULL\"}"));
    for (String other :
        List.of(
            "{{x},{y}}",
            "[0:1]={a,b}",
            "{a, b}",
            "{a,,b}",
            "{\"a}",
            "{\"a\"b}",
            "{a\\,b}",
            "a",
            "{",
            "{a\u0000}")) {
      assertNull(hex(text, other), other);
    }
    assertNull(CopyBinary.kind(new PgColumn("c", "integer[]", "_int4", 'A', -1)));
  }

  @Test
  void typesWithoutABinaryPath() {
    assertNull(CopyBinary.kind(col("interval")));
    assertNull(CopyBinary.kind(col("citext")));
    assertNull(CopyBinary.kind(new PgColumn("c", "integer[]", "int4", 'A', -1)));
    assertTrue(CopyBinary.kind(col("varchar")) == CopyBinary.Kind.TEXT);
    assertFalse(CopyBinary.kind(col("jsonb")) == CopyBinary.Kind.JSON);
  }
}
