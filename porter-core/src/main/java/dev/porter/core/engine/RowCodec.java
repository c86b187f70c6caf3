package dev.porter.core.engine;

import dev.porter.core.model.RawText;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * porter's internal binary form of a row, for spill files and keys of lookup tables: one tag byte
 * per value, then the value. Equal rows encode to equal bytes.
 */
final class RowCodec {
  private static final int NULL = 0;
  private static final int LONG = 1;
  private static final int DOUBLE = 2;
  private static final int STRING = 3;
  private static final int BYTES = 4;
  private static final int RAW_TEXT = 5;
  private static final int DECIMAL = 6;
  private static final int BOOLEAN = 7;
  private static final int SPECIAL = 8;
  private static final int DATE = 9;
  private static final int TIMESTAMP = 10;
  private static final int TIMESTAMPTZ = 11;
  private static final int UUID_TAG = 12;

  private RowCodec() {}

  static void write(DataOutput out, Object[] row) throws IOException {
    out.writeInt(row.length);
    for (Object v : row) {
      writeValue(out, v);
    }
  }

  static Object[] read(DataInput in) throws IOException {
    int n = in.readInt();
    Object[] row = new Object[n];
    for (int i = 0; i < n; i++) {
      row[i] = readValue(in);
    }
    return row;
  }

  static byte[] encode(Object[] values) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(16 * values.length + 4);
    try {
      write(new DataOutputStream(b), values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static Object[] decode(byte[] bytes) {
    try {
      return read(new DataInputStream(new java.io.ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeValue(DataOutput out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Integer i) {
      out.writeByte(LONG);
      out.writeLong(i);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeLong(Double.doubleToRawLongBits(d));
    } else if (v instanceof String s) {
      out.writeByte(STRING);
      bytes(out, s.getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof byte[] b) {
      out.writeByte(BYTES);
      bytes(out, b);
    } else if (v instanceof RawText r) {
      out.writeByte(RAW_TEXT);
      bytes(out, r.bytes());
    } else if (v instanceof BigDecimal d) {
      out.writeByte(DECIMAL);
      out.writeInt(d.scale());
      bytes(out, d.unscaledValue().toByteArray());
    } else if (v instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof dev.porter.core.model.SpecialNumber n) {
      out.writeByte(SPECIAL);
      out.writeByte(n.ordinal());
    } else if (v instanceof java.time.LocalDate d) {
      out.writeByte(DATE);
      out.writeLong(d.toEpochDay());
    } else if (v instanceof java.time.LocalDateTime t) {
      out.writeByte(TIMESTAMP);
      out.writeLong(t.toEpochSecond(java.time.ZoneOffset.UTC));
      out.writeInt(t.getNano());
    } else if (v instanceof java.time.Instant i) {
      out.writeByte(TIMESTAMPTZ);
      out.writeLong(i.getEpochSecond());
      out.writeInt(i.getNano());
    } else if (v instanceof java.util.UUID u) {
      out.writeByte(UUID_TAG);
      out.writeLong(u.getMostSignificantBits());
      out.writeLong(u.getLeastSignificantBits());
    } else {
      throw new IllegalArgumentException(
          "porter cannot spill a " + v.getClass().getName() + " value");
    }
  }

  private static Object readValue(DataInput in) throws IOException {
    int tag = in.readUnsignedByte();
    return switch (tag) {
      case NULL -> null;
      case LONG -> in.readLong();
      case DOUBLE -> Double.longBitsToDouble(in.readLong());
      case STRING -> new String(bytes(in), StandardCharsets.UTF_8);
      case BYTES -> bytes(in);
      case RAW_TEXT -> new RawText(bytes(in));
      case DECIMAL -> {
        int scale = in.readInt();
        yield new BigDecimal(new BigInteger(bytes(in)), scale);
      }
      case BOOLEAN -> in.readBoolean();
      case SPECIAL -> dev.porter.core.model.SpecialNumber.values()[in.readUnsignedByte()];
      case DATE -> java.time.LocalDate.ofEpochDay(in.readLong());
      case TIMESTAMP ->
          java.time.LocalDateTime.ofEpochSecond(in.readLong(), 0, java.time.ZoneOffset.UTC)
              .withNano(in.readInt());
      case TIMESTAMPTZ -> java.time.Instant.ofEpochSecond(in.readLong(), in.readInt());
      case UUID_TAG -> new java.util.UUID(in.readLong(), in.readLong());
      default -> throw new IOException("corrupt spill file: unknown value tag " + tag);
    };
  }

  private static void bytes(DataOutput out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInput in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }
}
