package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.porter.core.archive.TableReader;
import dev.porter.core.model.DecimalText;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.SpecialNumber;
import dev.porter.core.model.TableDef;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader asked for it gives a decimal as its plain text ({@link DecimalText}), the text the
 * archive holds; a reader not asked gives the {@code BigDecimal}, and the special values stay
 * {@link SpecialNumber} either way.
 */
class DecimalTextReadTest {
  @TempDir Path spool;

  private static final TableDef PRICES =
      TestArchives.table(
          "prices",
          TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
          TestArchives.column("price", "NUMERIC", LogicalType.DECIMAL));

  /** A source that hands decimals over as their text (PostgreSQL's) stores the same text. */
  @Test
  void decimalTextIsWrittenAsItsText() {
    String[] texts = {"12.50", "-0.0001", "0", "123456789012345678901234567890.123"};
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      rows.add(new Object[] {(long) i, DecimalText.ofPlain(texts[i])});
    }
    List<Object[]> back =
        TestArchives.readAll(TestArchives.write(spool, Map.of(PRICES, rows))).rows().get("prices");
    for (int i = 0; i < texts.length; i++) {
      BigDecimal v = assertInstanceOf(BigDecimal.class, back.get(i)[1], "row " + i);
      assertEquals(texts[i], v.toPlainString(), "row " + i);
    }
  }

  @Test
  void aReaderAskedForItGivesDecimalsAsTheirText() {
    Object[] values = {
      new BigDecimal("12.50"),
      new BigDecimal("-0.0001"),
      new BigDecimal("1E+5"), // written as its plain text, 100000
      new BigDecimal("123456789012345678901234567890.123"),
      SpecialNumber.NAN,
      SpecialNumber.NEGATIVE_INFINITY,
      null
    };
    String[] texts = {"12.50", "-0.0001", "100000", "123456789012345678901234567890.123"};
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(new Object[] {(long) i, values[i]});
    }
    byte[] archive = TestArchives.write(spool, Map.of(PRICES, rows));
    for (boolean ask : new boolean[] {false, true}) {
      List<Object[]> back =
          TestArchives.readFirstTable(archive, ask ? TableReader::decimalsAsText : in -> {});
      assertEquals(values.length, back.size());
      for (int i = 0; i < values.length; i++) {
        Object v = back.get(i)[1];
        String where = (ask ? "asked, row " : "not asked, row ") + i;
        if (i < texts.length && ask) {
          assertEquals(texts[i], assertInstanceOf(DecimalText.class, v, where).text(), where);
        } else if (i < texts.length) {
          assertEquals(new BigDecimal(texts[i]), v, where);
        } else {
          assertEquals(values[i], v, where);
        }
      }
    }
  }
}
