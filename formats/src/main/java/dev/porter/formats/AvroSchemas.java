package dev.porter.formats;

import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.TableEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * The Avro schema of one table's data member (docs/archive-format.md, "Table files"). Every field
 * is a union with null first; a field's Avro name is the column name when Avro allows it, otherwise
 * a stand-in, and the exact column name is always in the field property {@code porter.column}.
 */
final class AvroSchemas {
  static final String NAMESPACE = "dev.porter.archive";
  static final String PROP_COLUMN = "porter.column";
  static final String PROP_DECLARED_TYPE = "porter.declaredType";
  static final String PROP_LOGICAL_TYPE = "porter.logicalType";
  static final String PROP_TABLE = "porter.table";

  /** The logical type of a decimal carried as its exact text ("12.50", "NaN", "-Infinity"). */
  static final String DECIMAL_TEXT = "porter-decimal";

  /**
   * A timestamp beyond what a long of microseconds since 1970 holds (PostgreSQL reaches the year
   * 294276), as ISO-8601 text; used only for such values.
   */
  static final String TIMESTAMP_TEXT = "porter-timestamp-text";

  static final String TIMESTAMPTZ_TEXT = "porter-timestamptz-text";

  private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The name of {@link #RAW_TEXT} (a constant: readers use it without building schemas). */
  static final String RAW_TEXT_NAME = "RawText";

  static final String RAW_TEXT_FULL_NAME = NAMESPACE + "." + RAW_TEXT_NAME;

  /** The record a TEXT value travels in when its bytes are not valid UTF-8. */
  static final Schema RAW_TEXT =
      Schema.createRecord(
          RAW_TEXT_NAME,
          "SQLite TEXT whose bytes are not valid UTF-8",
          NAMESPACE,
          false,
          List.of(new Schema.Field("bytes", Schema.create(Schema.Type.BYTES))));

  private AvroSchemas() {}

  static Schema forTable(TableEntry entry) {
    List<ColumnDef> columns = entry.table().dataColumns();
    List<Schema.Field> fields = new ArrayList<>(columns.size());
    Set<String> used = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      ColumnDef c = columns.get(i);
      String fieldName = fieldName(c.name(), i, used);
      Schema.Field f =
          new Schema.Field(
              fieldName, valueSchema(c.logicalType()), null, JsonProperties.NULL_VALUE);
      f.addProp(PROP_COLUMN, c.name());
      f.addProp(PROP_DECLARED_TYPE, c.declaredType());
      f.addProp(PROP_LOGICAL_TYPE, c.logicalType().toString());
      fields.add(f);
    }
    Schema record =
        Schema.createRecord(
            String.format(Locale.ROOT, "t%04d", entry.ordinal()), null, NAMESPACE, false, fields);
    record.addProp(PROP_TABLE, entry.table().name());
    return record;
  }

  static Schema valueSchema(LogicalType type) {
    Schema nul = Schema.create(Schema.Type.NULL);
    return switch (type) {
      case ANY ->
          Schema.createUnion(
              nul,
              Schema.create(Schema.Type.LONG),
              Schema.create(Schema.Type.DOUBLE),
              Schema.create(Schema.Type.STRING),
              Schema.create(Schema.Type.BYTES),
              RAW_TEXT);
      case INTEGER -> Schema.createUnion(nul, Schema.create(Schema.Type.LONG));
      case REAL -> Schema.createUnion(nul, Schema.create(Schema.Type.DOUBLE));
      case TEXT, JSON, PG_TEXT -> Schema.createUnion(nul, Schema.create(Schema.Type.STRING));
      case BLOB -> Schema.createUnion(nul, Schema.create(Schema.Type.BYTES));
      case BOOLEAN -> Schema.createUnion(nul, Schema.create(Schema.Type.BOOLEAN));
      case DECIMAL -> Schema.createUnion(nul, logical(Schema.Type.STRING, DECIMAL_TEXT));
      case DATE -> Schema.createUnion(nul, logical(Schema.Type.INT, "date"));
      case TIMESTAMP ->
          Schema.createUnion(
              nul,
              logical(Schema.Type.LONG, "local-timestamp-micros"),
              logical(Schema.Type.STRING, TIMESTAMP_TEXT));
      case TIMESTAMPTZ ->
          Schema.createUnion(
              nul,
              logical(Schema.Type.LONG, "timestamp-micros"),
              logical(Schema.Type.STRING, TIMESTAMPTZ_TEXT));
      case UUID -> Schema.createUnion(nul, logical(Schema.Type.STRING, "uuid"));
    };
  }

  /**
   * A primitive schema carrying a logicalType attribute. Readers that do not know the logical type
   * (porter's own "porter-decimal") see the primitive, as the Avro spec requires.
   */
  static Schema logical(Schema.Type type, String logicalType) {
    Schema s = Schema.create(type);
    s.addProp("logicalType", logicalType);
    return s;
  }

  private static String fieldName(String column, int index, Set<String> used) {
    String name = column;
    if (!AVRO_NAME.matcher(name).matches() || used.contains(name)) {
      StringBuilder b = new StringBuilder("c").append(index).append('_');
      for (int i = 0; i < column.length() && b.length() < 60; i++) {
        char ch = column.charAt(i);
        b.append(ch < 128 && Character.isLetterOrDigit(ch) ? ch : '_');
      }
      name = b.toString();
      // A real column may already be called like the stand-in: add a suffix until it is free.
      for (int n = 2; used.contains(name); n++) {
        name = b + "_" + n;
      }
    }
    used.add(name);
    return name;
  }
}
