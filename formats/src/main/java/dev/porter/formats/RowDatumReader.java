package dev.porter.formats;

import dev.porter.core.archive.RawRow;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;

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

  /** Decimals in plain text are read as {@link dev.porter.core.model.DecimalText} from now on. */
  void decimalsAsText() {
    scratch.decimalsAsText = true;
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

  /** A reader of this schema's rows as {@link RawRow}s, for one thread. */
  Raw raw() {
    return new Raw();
  }

  /**
   * Rows of a decompressed block read as {@link RawRow}s: each value's branch and bytes are read
   * here, in Avro's binary encoding, without making objects; {@link #objects} decodes a row as
   * {@link #read} does. Checks what Avro's decoder checks: a union branch in range, numbers of at
   * most ten bytes (five for an int), lengths that are not negative and stay inside the block.
   */
  final class Raw implements RawRow {
    private final int[] kind = new int[kinds.length];
    private final ValueKind[] chosen = new ValueKind[kinds.length];
    private final long[] value = new long[kinds.length];
    private final int[] offset = new int[kinds.length];
    private final int[] length = new int[kinds.length];
    private byte[] a = new byte[0];
    private int end;
    private int pos;
    private BinaryDecoder objects;

    /** Reads rows from the first {@code length} bytes of {@code block}, from its start. */
    void block(byte[] block, int length) {
      a = block;
      end = length;
      pos = 0;
    }

    /** Where the next row starts. */
    int position() {
      return pos;
    }

    /** Whether every byte of the block has been read. */
    boolean atEnd() {
      return pos == end;
    }

    /** Reads the row at {@link #position()} and moves past it. */
    void next() throws IOException {
      for (int i = 0; i < kinds.length; i++) {
        ValueKind[] k = kinds[i];
        ValueKind v;
        if (k.length == 1) {
          v = k[0];
        } else {
          int branch = readInt();
          if (branch < 0 || branch >= k.length) {
            throw new IOException("union branch " + branch + " out of range in field " + i);
          }
          v = k[branch];
        }
        chosen[i] = v;
        switch (v) {
          case NULL -> kind[i] = NULL;
          case LONG -> {
            kind[i] = INTEGER;
            value[i] = readLong();
          }
          case DOUBLE -> {
            kind[i] = REAL;
            need(8);
            long bits = 0;
            for (int b = 7; b >= 0; b--) {
              bits = (bits << 8) | (a[pos + b] & 0xFF);
            }
            pos += 8;
            value[i] = bits;
          }
          case STRING -> slice(i, TEXT);
          case BYTES -> slice(i, BLOB);
          case BOOLEAN -> {
            kind[i] = OTHER;
            need(1);
            pos++;
          }
          case DATE -> {
            kind[i] = OTHER;
            readInt();
          }
          case TIMESTAMP, TIMESTAMPTZ -> {
            kind[i] = OTHER;
            readLong();
          }
          case RAW_TEXT, DECIMAL, TIMESTAMP_TEXT, TIMESTAMPTZ_TEXT, UUID -> slice(i, OTHER);
        }
      }
    }

    /**
     * The row just read by {@link #next}, which starts at {@code start}, as the objects {@link
     * #read} decodes it into. A row of integers, reals, text, blobs and NULLs is made from what
     * {@link #next} read, without reading its bytes again; any other row is decoded again from
     * {@code start} by {@link #read}.
     */
    Object[] objects(int start) throws IOException {
      Object[] row = new Object[kinds.length];
      for (int i = 0; i < row.length; i++) {
        switch (chosen[i]) {
          case NULL -> row[i] = null;
          case LONG -> row[i] = value[i];
          case DOUBLE -> row[i] = Double.longBitsToDouble(value[i]);
          case STRING -> row[i] = ValueKind.text(a, offset[i], length[i], scratch.asciiAsBytes);
          case BYTES -> row[i] = Arrays.copyOfRange(a, offset[i], offset[i] + length[i]);
          default -> {
            return decoded(start);
          }
        }
      }
      return row;
    }

    /** Not inlined into {@link #objects}: rows of other kinds are few where rows come raw. */
    private Object[] decoded(int start) throws IOException {
      objects = DecoderFactory.get().binaryDecoder(a, start, end - start, objects);
      return read(objects);
    }

    private void slice(int i, int k) throws IOException {
      long n = readLong();
      if (n < 0) {
        throw new IOException("malformed Avro data: a length of " + n);
      }
      need(n);
      kind[i] = k;
      offset[i] = pos;
      length[i] = (int) n;
      pos += (int) n;
    }

    private void need(long n) throws EOFException {
      if (n > end - pos) {
        throw new EOFException("an Avro value runs past the end of its block");
      }
    }

    private long readLong() throws IOException {
      long raw = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        need(1);
        int b = a[pos++];
        raw |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw new IOException("invalid Avro long encoding");
    }

    private int readInt() throws IOException {
      int raw = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        need(1);
        int b = a[pos++];
        raw |= (b & 0x7F) << shift;
        if (b >= 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw new IOException("invalid Avro int encoding");
    }

    @Override
    public int size() {
      return kinds.length;
    }

    @Override
    public int kind(int i) {
      return kind[i];
    }

    @Override
    public long integer(int i) {
      return value[i];
    }

    @Override
    public double real(int i) {
      return Double.longBitsToDouble(value[i]);
    }

    @Override
    public byte[] array() {
      return a;
    }

    @Override
    public int offset(int i) {
      return offset[i];
    }

    @Override
    public int length(int i) {
      return length[i];
    }
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
