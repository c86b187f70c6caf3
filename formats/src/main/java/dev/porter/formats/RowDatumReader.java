package dev.porter.formats;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.Decoder;

/**
 * Decodes rows written by {@link RowDatumWriter}, driven by the writer's schema as stored in the
 * file: for each field, the union branch, then the value of that branch's kind.
 */
final class RowDatumReader {
  // compile-time constants: reading them builds no Avro schema (Avro builds schemas with Jackson)
  private static final String RAW_TEXT_NAME = AvroSchemas.RAW_TEXT_NAME;
  private static final String RAW_TEXT_FULL_NAME = AvroSchemas.RAW_TEXT_FULL_NAME;

  private final ValueKind[][] kinds;

  /** Read buffers: a reader is used by one thread at a time (the table's decoding thread). */
  private final ValueKind.Scratch scratch = new ValueKind.Scratch();

  private RowDatumReader(ValueKind[][] kinds) {
    this.kinds = kinds;
  }

  /** Strings that are ASCII are read as {@link dev.porter.core.model.Utf8Text} from now on. */
  void asciiTextAsBytes() {
    scratch.asciiAsBytes = true;
  }

  /**
   * The reader for a container file's schema (its JSON text): a record whose fields are each a
   * union of, or one of, the types porter writes.
   *
   * @throws IOException if the schema is not such a record
   */
  static RowDatumReader forSchema(byte[] json) throws IOException {
    Object root;
    try {
      root = RecordJson.parse(json);
    } catch (IllegalArgumentException e) {
      throw new IOException("the Avro schema is not JSON: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?> record) || !"record".equals(record.get("type"))) {
      throw new IOException("the Avro schema is not a record");
    }
    String namespace = record.get("namespace") instanceof String ns ? ns : null;
    if (namespace == null
        && record.get("name") instanceof String full
        && full.lastIndexOf('.') > 0) {
      namespace = full.substring(0, full.lastIndexOf('.'));
    }
    if (!(record.get("fields") instanceof List<?> fields)) {
      throw new IOException("the Avro record has no fields");
    }
    ValueKind[][] kinds = new ValueKind[fields.size()][];
    for (int i = 0; i < fields.size(); i++) {
      if (!(fields.get(i) instanceof Map<?, ?> field)) {
        throw new IOException("Avro field " + i + " is not an object");
      }
      Object type = field.get("type");
      try {
        if (type instanceof List<?> branches) {
          kinds[i] = new ValueKind[branches.size()];
          for (int b = 0; b < branches.size(); b++) {
            kinds[i][b] = kind(branches.get(b), namespace);
          }
        } else {
          kinds[i] = new ValueKind[] {kind(type, namespace)};
        }
      } catch (IllegalArgumentException e) {
        throw new IOException("Avro field " + field.get("name") + ": " + e.getMessage(), e);
      }
    }
    return new RowDatumReader(kinds);
  }

  /**
   * The value kind of one type in the schema's JSON: a primitive's name, an object with a primitive
   * type and a logicalType, or the record a non-UTF-8 TEXT travels in (defined inline, or named
   * once it has been). Decided exactly as {@link ValueKind#of} decides for a parsed schema.
   */
  private static ValueKind kind(Object node, String namespace) {
    String type;
    String logical = null;
    if (node instanceof String s) {
      type = s;
    } else if (node instanceof Map<?, ?> m && m.get("type") instanceof String s) {
      type = s;
      logical = m.get("logicalType") instanceof String l ? l : null;
      if (type.equals("record")) {
        String name = m.get("name") instanceof String n ? n : "";
        String ns = m.get("namespace") instanceof String n ? n : namespace;
        if (isRawText(name, ns)) {
          return ValueKind.RAW_TEXT;
        }
        throw new IllegalArgumentException("unknown record branch " + name);
      }
    } else {
      throw new IllegalArgumentException("unsupported Avro type " + node);
    }
    if (logical == null && isRawText(type, namespace)) {
      return ValueKind.RAW_TEXT; // a reference to the record defined earlier
    }
    return ValueKind.ofPrimitive(type, logical);
  }

  private static boolean isRawText(String name, String namespace) {
    if (name.contains(".")) {
      return name.equals(RAW_TEXT_FULL_NAME);
    }
    return name.equals(RAW_TEXT_NAME)
        && RAW_TEXT_FULL_NAME.equals(namespace == null ? name : namespace + "." + name);
  }

  int fieldCount() {
    return kinds.length;
  }

  Object[] read(Decoder in) throws IOException {
    Object[] row = new Object[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      ValueKind[] k = kinds[i];
      if (k.length == 1) {
        row[i] = k[0].read(in, scratch);
      } else {
        int branch = in.readIndex();
        if (branch < 0 || branch >= k.length) {
          throw new IOException("union branch " + branch + " out of range in field " + i);
        }
        row[i] = k[branch].read(in, scratch);
      }
    }
    return row;
  }
}
