package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AvroSchemasTest {
  private static ColumnDef col(String name) {
    return new ColumnDef(name, "", LogicalType.ANY, true, Generated.NO, null);
  }

  /** A plain table "t" of these columns. */
  private static TableDef table(ColumnDef... columns) {
    return new TableDef(
        "t", null, List.of(columns), List.of(), List.of(), List.of(), null, false, false, false);
  }

  @Test
  void standInFieldNamesNeverCollideWithRealColumnNames() {
    TableDef t = table(col("c2_x_y"), col("ok"), col("x y"), col("x y "));
    Schema s = AvroSchemas.forTable(new TableEntry(1, "data/0001-t.avro", t));
    List<String> names = s.getFields().stream().map(Schema.Field::name).toList();
    assertEquals(List.of("c2_x_y", "ok", "c2_x_y_2", "c3_x_y_"), names);
    List<String> exact =
        s.getFields().stream().map(f -> f.getProp(AvroSchemas.PROP_COLUMN)).toList();
    assertEquals(List.of("c2_x_y", "ok", "x y", "x y "), exact);
  }

  @Test
  void recordNamesAreAsciiWhateverTheDefaultLocale() {
    // Avro names are [A-Za-z_][A-Za-z0-9_]*; a locale with its own digits (Thai here) made
    // String.format write "t" and four Thai digits, which other Avro readers refuse
    TableDef t = table(col("a"));
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
      Schema s = AvroSchemas.forTable(new TableEntry(12, "data/0012-t.avro", t));
      assertEquals("t0012", s.getName());
    } finally {
      Locale.setDefault(before);
    }
  }
}
