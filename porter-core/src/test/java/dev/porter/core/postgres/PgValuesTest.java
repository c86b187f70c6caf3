package dev.porter.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Exactness checks at the edges of the value model, where a cast would round without a word. */
class PgValuesTest {
  static final PgColumn FLOAT8 = new PgColumn("v", "double precision", "float8", 'N', -1);
  static final PgColumn FLOAT4 = new PgColumn("v", "real", "float4", 'N', -1);
  static final PgColumn NUMERIC_4_2 =
      new PgColumn("v", "numeric(4,2)", "numeric", 'N', (4 << 16 | 2) + 4);
  static final PgColumn NUMERIC_2_2 =
      new PgColumn("v", "numeric(2,2)", "numeric", 'N', (2 << 16 | 2) + 4);
  static final PgColumn TEXT = new PgColumn("v", "text", "text", 'S', -1);

  static String render(Object v, PgColumn c) throws PgValues.Lossy {
    return PgValues.render(v, c, false, x -> {});
  }

  @Test
  void theLargestLongIsNotExactInADouble() {
    // (long) 9.223372036854775807E18 saturates to Long.MAX_VALUE, which once made it look exact
    PgValues.Lossy e = assertThrows(PgValues.Lossy.class, () -> render(Long.MAX_VALUE, FLOAT8));
    assertTrue(e.convertible());
  }

  @Test
  void aDecimalIntoFloat4IsCheckedAgainstAFloat() throws Exception {
    assertEquals("0.5", render(new BigDecimal("0.5"), FLOAT4));
    // 16777217 is exact in a double but not in a float
    assertThrows(PgValues.Lossy.class, () -> render(new BigDecimal("16777217"), FLOAT4));
    assertEquals("1.6777217E7", render(new BigDecimal("16777217"), FLOAT8));
  }

  @Test
  void aDecimalBeyondTheDoubleRangeIsRefusedNotCrashed() {
    PgValues.Lossy e =
        assertThrows(PgValues.Lossy.class, () -> render(new BigDecimal("1e400"), FLOAT8));
    assertFalse(e.convertible(), "no option stores it");
  }

  @Test
  void roundingThatCarriesIntoAnotherDigitOverflows() throws Exception {
    assertEquals("12.34", render(new BigDecimal("12.34"), NUMERIC_4_2));
    PgValues.Lossy round =
        assertThrows(PgValues.Lossy.class, () -> render(new BigDecimal("12.345"), NUMERIC_4_2));
    assertTrue(round.convertible());
    assertEquals("12.345", PgValues.render(new BigDecimal("12.345"), NUMERIC_4_2, true, x -> {}));
    PgValues.Lossy overflow =
        assertThrows(
            PgValues.Lossy.class,
            () -> PgValues.render(new BigDecimal("99.999"), NUMERIC_4_2, true, x -> {}));
    assertFalse(overflow.convertible());
    assertEquals("0", render(BigDecimal.ZERO, NUMERIC_2_2));
    assertEquals("0.5", render(new BigDecimal("0.5"), NUMERIC_2_2));
  }

  @Test
  void aTimestamptzIntoTextIsWrittenLikeATimestampWithItsOffset() throws Exception {
    assertEquals(
        "2024-01-01 08:00:00.000000+00", render(Instant.parse("2024-01-01T08:00:00Z"), TEXT));
    assertEquals("infinity", render(Instant.MAX, TEXT));
  }

  @Test
  void textWithANulFitsABytea() throws Exception {
    PgColumn bytea = new PgColumn("v", "bytea", "bytea", 'U', -1);
    assertEquals("\\x610062", render("a\0b", bytea));
    assertThrows(PgValues.Lossy.class, () -> render("a\0b", TEXT));
  }

  @Test
  void timesOfDayAreReadExactlyAsJavaTimeReadsThem() {
    for (String t :
        new String[] {
          "00:00:00", "23:59:59", "10:00:00.5", "10:00:00.123456", "10:00:00.000001", "07:08:09.12"
        }) {
      assertEquals(
          java.time.LocalTime.parse(t), PgValues.parseTime("x " + t, 2, t.length() + 2), t);
    }
    // not the fast form: left to java.time, which reads or refuses it
    assertEquals(java.time.LocalTime.of(10, 0), PgValues.parseTime("10:00", 0, 5));
    assertThrows(
        java.time.format.DateTimeParseException.class, () -> PgValues.parseTime("25:00:00", 0, 8));
    assertThrows(
        java.time.format.DateTimeParseException.class, () -> PgValues.parseTime("1a:00:00", 0, 8));
  }
}
