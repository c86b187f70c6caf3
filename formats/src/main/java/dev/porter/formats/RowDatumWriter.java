package dev.porter.formats;

import dev.porter.core.PorterException;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.TableEntry;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

/**
 * Encodes a row ({@code Object[]} in data-column order) straight into Avro binary, without building
 * a GenericRecord: for each field, the union branch of the value's kind, then the value.
 */
final class RowDatumWriter implements DatumWriter<Object[]> {
  private final TableEntry entry;
  private final List<ColumnDef> columns;

  /** Per field: the union branch index of each {@link ValueKind}, or -1 where there is none. */
  private final int[][] branchOf;

  private long rowNumber;

  RowDatumWriter(TableEntry entry, Schema schema) {
    this.entry = entry;
    this.columns = entry.table().dataColumns();
    List<Schema.Field> fields = schema.getFields();
    branchOf = new int[fields.size()][];
    for (int i = 0; i < fields.size(); i++) {
      int[] map = new int[ValueKind.values().length];
      java.util.Arrays.fill(map, -1);
      List<Schema> branches = fields.get(i).schema().getTypes();
      for (int b = 0; b < branches.size(); b++) {
        map[ValueKind.of(branches.get(b)).ordinal()] = b;
      }
      branchOf[i] = map;
    }
  }

  @Override
  public void setSchema(Schema schema) {
    // the schema is fixed at construction
  }

  @Override
  public void write(Object[] row, Encoder out) throws IOException {
    startRow();
    if (row.length != branchOf.length) {
      throw width(row.length);
    }
    for (int i = 0; i < row.length; i++) {
      Object v = row[i];
      ValueKind kind = ValueKind.forValue(v);
      int branch = branch(i, kind);
      if (branch < 0) {
        throw refusal(i, v);
      }
      out.writeIndex(branch);
      kind.write(v, out);
    }
  }

  /** Counts the row about to be written, for the messages below. */
  void startRow() {
    rowNumber++;
  }

  /** The number of fields of a row. */
  int fields() {
    return branchOf.length;
  }

  /** The union branch of field {@code i} for a value of {@code kind}, or -1 where there is none. */
  int branch(int i, ValueKind kind) {
    return kind == null ? -1 : branchOf[i][kind.ordinal()];
  }

  /** A row of {@code values} values, not {@link #fields()}. */
  IllegalArgumentException width(int values) {
    return new IllegalArgumentException(
        "table "
            + entry.table().name()
            + ": row has "
            + values
            + " values, expected "
            + branchOf.length);
  }

  /** Field {@code i} of the current row has no branch for {@code v}. */
  PorterException refusal(int i, Object v) {
    ColumnDef c = columns.get(i);
    return PorterException.refused(
        "table "
            + entry.table().name()
            + ", column "
            + c.name()
            + ", row "
            + rowNumber
            + ": a "
            + (v == null ? "null" : v.getClass().getSimpleName())
            + " value cannot be stored as logical type "
            + c.logicalType());
  }
}
