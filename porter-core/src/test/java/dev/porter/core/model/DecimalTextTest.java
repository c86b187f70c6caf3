package dev.porter.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Only the plain form is taken as text; anything else is left to {@code BigDecimal}. */
class DecimalTextTest {
  @Test
  void thePlainFormIsTaken() {
    for (String s : new String[] {"0", "-0.00", "12", "-12.500", "007.5", "0.000001"}) {
      DecimalText t = DecimalText.ofPlain(s);
      assertEquals(s, t.text(), s);
      assertEquals(new BigDecimal(s), t.value(), s);
      assertEquals(s, t.toString(), s);
    }
  }

  @Test
  void everyOtherFormIsNot() {
    for (String s :
        new String[] {
          "",
          "-",
          ".",
          "1.",
          ".5",
          "-.5",
          "+1",
          " 1",
          "1 ",
          "1E+3",
          "1e3",
          "1.2.3",
          "--1",
          "1-",
          "\u0661",
          "NaN",
          "Infinity",
          "0x10"
        }) {
      assertNull(DecimalText.ofPlain(s), "'" + s + "'");
    }
  }

  @Test
  void specialNumbersAreStillFoundAndNumbersAreNot() {
    assertEquals(SpecialNumber.NAN, SpecialNumber.parse("nan"));
    assertEquals(SpecialNumber.NEGATIVE_INFINITY, SpecialNumber.parse("-Infinity"));
    assertEquals(SpecialNumber.NEGATIVE_INFINITY, SpecialNumber.parse("-inf"));
    assertEquals(SpecialNumber.POSITIVE_INFINITY, SpecialNumber.parse("+inf"));
    assertNull(SpecialNumber.parse("-1"));
    assertNull(SpecialNumber.parse("0.5"));
    assertNull(SpecialNumber.parse("-"));
    assertNull(SpecialNumber.parse(""));
  }
}
