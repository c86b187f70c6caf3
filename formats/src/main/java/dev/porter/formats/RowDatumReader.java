package dev.porter.formats;

import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

/**
 * Decodes rows written by {@link RowDatumWriter}, driven by the writer's schema as stored in the
 * file: for each field, the union branch, then the value of that branch's kind.
 */
final class RowDatumReader implements DatumReader<Object[]> {
  private ValueKind[][] kinds;

  @Override
  public void setSchema(Schema schema) {
    List<Schema.Field> fields = schema.getFields();
    kinds = new ValueKind[fields.size()][];
    for (int i = 0; i < fields.size(); i++) {
      Schema s = fields.get(i).schema();
      if (s.getType() == Schema.Type.UNION) {
        List<Schema> branches = s.getTypes();
        kinds[i] = new ValueKind[branches.size()];
        for (int b = 0; b < branches.size(); b++) {
          kinds[i][b] = ValueKind.of(branches.get(b));
        }
      } else {
        kinds[i] = new ValueKind[] {ValueKind.of(s)};
      }
    }
  }

  int fieldCount() {
    return kinds.length;
  }

  @Override
  public Object[] read(Object[] reuse, Decoder in) throws IOException {
    Object[] row = new Object[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      ValueKind[] k = kinds[i];
      if (k.length == 1) {
        row[i] = k[0].read(in);
      } else {
        int branch = in.readIndex();
        if (branch < 0 || branch >= k.length) {
          throw new IOException("union branch " + branch + " out of range in field " + i);
        }
        row[i] = k[branch].read(in);
      }
    }
    return row;
  }
}
