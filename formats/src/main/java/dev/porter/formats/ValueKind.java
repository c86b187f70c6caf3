package dev.porter.formats;

import dev.porter.core.model.RawText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/** The Avro branches porter writes and reads, and how each maps to a Java value. */
enum ValueKind {
  NULL,
  LONG,
  DOUBLE,
  STRING,
  BYTES,
  RAW_TEXT;

  static ValueKind of(Schema branch) {
    return switch (branch.getType()) {
      case NULL -> NULL;
      case LONG -> LONG;
      case DOUBLE -> DOUBLE;
      case STRING -> STRING;
      case BYTES -> BYTES;
      case RECORD -> {
        if (branch.getFullName().equals(AvroSchemas.RAW_TEXT.getFullName())) {
          yield RAW_TEXT;
        }
        throw new IllegalArgumentException("unknown record branch " + branch.getFullName());
      }
      default -> throw new IllegalArgumentException("unsupported Avro type " + branch.getType());
    };
  }

  /** The kind a Java value is written as, or null if porter has no Avro form for it. */
  static ValueKind ofValue(Object v) {
    if (v == null) {
      return NULL;
    } else if (v instanceof Long) {
      return LONG;
    } else if (v instanceof Double) {
      return DOUBLE;
    } else if (v instanceof String) {
      return STRING;
    } else if (v instanceof byte[]) {
      return BYTES;
    } else if (v instanceof RawText) {
      return RAW_TEXT;
    }
    return null;
  }

  void write(Object v, Encoder out) throws IOException {
    switch (this) {
      case NULL -> out.writeNull();
      case LONG -> out.writeLong((Long) v);
      case DOUBLE -> out.writeDouble((Double) v);
      case STRING -> out.writeString((String) v);
      case BYTES -> out.writeBytes((byte[]) v);
      case RAW_TEXT -> out.writeBytes(((RawText) v).bytes());
    }
  }

  Object read(Decoder in) throws IOException {
    return switch (this) {
      case NULL -> {
        in.readNull();
        yield null;
      }
      case LONG -> in.readLong();
      case DOUBLE -> in.readDouble();
      case STRING -> readString(in);
      case BYTES -> bytes(in.readBytes(null));
      case RAW_TEXT -> new RawText(bytes(in.readBytes(null)));
    };
  }

  private static String readString(Decoder in) throws IOException {
    ByteBuffer b = in.readBytes(null);
    return new String(
        b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
