package dev.porter.formats;

import dev.porter.core.model.DecimalText;
import dev.porter.core.model.RawText;
import dev.porter.core.model.SpecialNumber;
import dev.porter.core.model.Utf8Text;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.util.Utf8;

/**
 * The Avro branches porter writes and reads, and how each maps to a Java value
 * (docs/archive-format.md, "Value encodings"). ±infinity of dates and times travel as the extreme
 * values of their Avro type.
 */
enum ValueKind {
  NULL,
  LONG,
  DOUBLE,
  STRING,
  BYTES,
  RAW_TEXT,
  BOOLEAN,
  DECIMAL,
  DATE,
  TIMESTAMP,
  TIMESTAMPTZ,
  TIMESTAMP_TEXT,
  TIMESTAMPTZ_TEXT,
  UUID;

  /*
   * The classes read() and write() call into are initialized with this enum, not at their first
   * value. C2 compiles a call into a class that is not initialized yet as a trap: a PostgreSQL
   * import's first decimal column (SpecialNumber.parse), tables after the decoder was compiled,
   * threw the compiled decoder away and compiled it again, 0.1-0.3 s of C2 time.
   */
  static {
    for (Class<?> c :
        List.of(
            SpecialNumber.class,
            RawText.class,
            Utf8Text.class,
            BigDecimal.class,
            LocalDate.class,
            LocalDateTime.class,
            Instant.class,
            java.util.UUID.class)) {
      try {
        Class.forName(c.getName(), true, c.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  static ValueKind of(Schema branch) {
    if (branch.getType() == Schema.Type.RECORD) {
      if (branch.getFullName().equals(AvroSchemas.RAW_TEXT_FULL_NAME)) {
        return RAW_TEXT;
      }
      throw new IllegalArgumentException("unknown record branch " + branch.getFullName());
    }
    return ofPrimitive(branch.getType().getName(), branch.getProp("logicalType"));
  }

  /**
   * The kind of a primitive Avro type, by its name in the schema ({@code "long"}, {@code
   * "string"}…) and its logicalType attribute (or null). The one place the writer's schema (parsed
   * by Avro) and a file's schema (read from its JSON) are turned into value kinds.
   */
  static ValueKind ofPrimitive(String type, String logical) {
    return switch (type) {
      case "null" -> NULL;
      case "long" -> {
        if ("local-timestamp-micros".equals(logical)) {
          yield TIMESTAMP;
        }
        yield "timestamp-micros".equals(logical) ? TIMESTAMPTZ : LONG;
      }
      case "int" -> {
        if ("date".equals(logical)) {
          yield DATE;
        }
        throw new IllegalArgumentException("unsupported Avro int without the date logical type");
      }
      case "double" -> DOUBLE;
      case "string" -> {
        if (AvroSchemas.DECIMAL_TEXT.equals(logical)) {
          yield DECIMAL;
        }
        if (AvroSchemas.TIMESTAMP_TEXT.equals(logical)) {
          yield TIMESTAMP_TEXT;
        }
        if (AvroSchemas.TIMESTAMPTZ_TEXT.equals(logical)) {
          yield TIMESTAMPTZ_TEXT;
        }
        yield "uuid".equals(logical) ? UUID : STRING;
      }
      case "bytes" -> BYTES;
      case "boolean" -> BOOLEAN;
      default -> throw new IllegalArgumentException("unsupported Avro type " + type);
    };
  }

  /** The kind a Java value is written as, or null if porter has no Avro form for it. */
  static ValueKind ofValue(Object v) {
    if (v == null) {
      return NULL;
    }
    // The value's class compared, not instanceof, for the final classes that carry nearly every
    // value: C2 speculates from an instanceof's profile, and an export whose first BLOB came after
    // the compilation threw it away (docs/benchmark-history.md, thirteenth session).
    Class<?> k = v.getClass();
    if (k == Long.class) {
      return LONG;
    } else if (k == Double.class) {
      return DOUBLE;
    } else if (k == String.class || k == Utf8Text.class) {
      return STRING;
    } else if (k == byte[].class) {
      return BYTES;
    } else if (k == RawText.class) {
      return RAW_TEXT;
    } else if (k == Boolean.class) {
      return BOOLEAN;
    } else if (k == LocalDate.class) {
      return DATE;
    } else if (k == LocalDateTime.class) {
      return TIMESTAMP;
    } else if (k == Instant.class) {
      return TIMESTAMPTZ;
    } else if (k == UUID.class) {
      return UUID;
    } else if (k == DecimalText.class) {
      return DECIMAL;
    } else if (v instanceof BigDecimal || v instanceof SpecialNumber) {
      return DECIMAL; // BigDecimal may be subclassed
    }
    return null;
  }

  void write(Object v, Encoder out) throws IOException {
    switch (this) {
      case NULL -> out.writeNull();
      case LONG -> out.writeLong((Long) v);
      case DOUBLE -> out.writeDouble((Double) v);
      case STRING -> {
        if (v.getClass() == Utf8Text.class) { // as in ofValue
          out.writeBytes(((Utf8Text) v).utf8()); // a string: the length, then the UTF-8 bytes
        } else {
          out.writeString((String) v);
        }
      }
      case BYTES -> out.writeBytes((byte[]) v);
      case RAW_TEXT -> out.writeBytes(((RawText) v).bytes());
      case BOOLEAN -> out.writeBoolean((Boolean) v);
      case DECIMAL ->
          out.writeString(
              v instanceof DecimalText t
                  ? t.text()
                  : v instanceof BigDecimal d ? d.toPlainString() : ((SpecialNumber) v).text());
      case DATE -> out.writeInt(days((LocalDate) v));
      case TIMESTAMP -> out.writeLong(micros((LocalDateTime) v));
      case TIMESTAMPTZ -> out.writeLong(micros((Instant) v));
      case TIMESTAMP_TEXT, TIMESTAMPTZ_TEXT -> out.writeString(v.toString());
      case UUID -> out.writeString(v.toString());
    }
  }

  /**
   * The kind to write {@code v} as: a timestamp that a long of microseconds since 1970 cannot hold
   * goes as text.
   */
  static ValueKind forValue(Object v) {
    ValueKind k = ofValue(v);
    if (k == TIMESTAMP
        && !fitsMicros(((LocalDateTime) v).toInstant(ZoneOffset.UTC), (LocalDateTime) v)) {
      return TIMESTAMP_TEXT;
    }
    if (k == TIMESTAMPTZ && !fitsMicros((Instant) v, null)) {
      return TIMESTAMPTZ_TEXT;
    }
    return k;
  }

  private static boolean fitsMicros(Instant i, LocalDateTime ldt) {
    if (i.equals(Instant.MAX)
        || i.equals(Instant.MIN)
        || LocalDateTime.MAX.equals(ldt)
        || LocalDateTime.MIN.equals(ldt)) {
      return true; // the sentinels for ±infinity
    }
    long s = i.getEpochSecond();
    return s > Long.MIN_VALUE / 1_000_000L + 1 && s < Long.MAX_VALUE / 1_000_000L - 1;
  }

  /**
   * The buffers one decoding thread reads strings and bytes through, used again from value to value
   * (Avro's own calls allocated a ByteBuffer and its array for each, and porter then copied them).
   * A buffer grown past {@link #KEEP} by a large value is not kept.
   */
  static final class Scratch {
    private static final int KEEP = 1 << 20;
    private Utf8 text = new Utf8();
    private ByteBuffer bytes = ByteBuffer.allocate(256);

    /** Strings that are ASCII come as {@link Utf8Text} (the reader's sink asked for them). */
    boolean asciiAsBytes;

    /** Decimals in plain text come as {@link DecimalText} (the reader's sink asked for them). */
    boolean decimalsAsText;
  }

  Object read(Decoder in, Scratch scratch) throws IOException {
    return switch (this) {
      case NULL -> {
        in.readNull();
        yield null;
      }
      case LONG -> in.readLong();
      case DOUBLE -> in.readDouble();
      case STRING -> readText(in, scratch, scratch.asciiAsBytes);
      case BYTES -> readBytes(in, scratch);
      case RAW_TEXT -> new RawText(readBytes(in, scratch));
      case BOOLEAN -> in.readBoolean();
      case DECIMAL -> {
        String s = readString(in, scratch);
        SpecialNumber special = SpecialNumber.parse(s);
        if (special != null) {
          yield special;
        }
        DecimalText text = scratch.decimalsAsText ? DecimalText.ofPlain(s) : null;
        yield text != null ? text : new BigDecimal(s);
      }
      case DATE -> date(in.readInt());
      case TIMESTAMP -> localDateTime(in.readLong());
      case TIMESTAMPTZ -> instant(in.readLong());
      case TIMESTAMP_TEXT -> LocalDateTime.parse(readString(in, scratch));
      case TIMESTAMPTZ_TEXT -> Instant.parse(readString(in, scratch));
      case UUID -> java.util.UUID.fromString(readString(in, scratch));
    };
  }

  static int days(LocalDate d) {
    if (d.equals(LocalDate.MAX)) {
      return Integer.MAX_VALUE;
    }
    if (d.equals(LocalDate.MIN)) {
      return Integer.MIN_VALUE;
    }
    return Math.toIntExact(d.toEpochDay());
  }

  static LocalDate date(int days) {
    return days == Integer.MAX_VALUE
        ? LocalDate.MAX
        : days == Integer.MIN_VALUE ? LocalDate.MIN : LocalDate.ofEpochDay(days);
  }

  static long micros(LocalDateTime t) {
    if (t.equals(LocalDateTime.MAX)) {
      return Long.MAX_VALUE;
    }
    if (t.equals(LocalDateTime.MIN)) {
      return Long.MIN_VALUE;
    }
    return micros(t.toInstant(ZoneOffset.UTC));
  }

  static long micros(Instant t) {
    if (t.equals(Instant.MAX)) {
      return Long.MAX_VALUE;
    }
    if (t.equals(Instant.MIN)) {
      return Long.MIN_VALUE;
    }
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  static LocalDateTime localDateTime(long micros) {
    if (micros == Long.MAX_VALUE) {
      return LocalDateTime.MAX;
    }
    if (micros == Long.MIN_VALUE) {
      return LocalDateTime.MIN;
    }
    return LocalDateTime.ofInstant(instant(micros), ZoneOffset.UTC);
  }

  static Instant instant(long micros) {
    if (micros == Long.MAX_VALUE) {
      return Instant.MAX;
    }
    if (micros == Long.MIN_VALUE) {
      return Instant.MIN;
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }

  /**
   * A string, as a String; or, with {@code asciiAsBytes}, as {@link Utf8Text} where it is ASCII
   * (then valid UTF-8 whatever its bytes).
   */
  private static Object readText(Decoder in, Scratch scratch, boolean asciiAsBytes)
      throws IOException {
    Utf8 u = in.readString(scratch.text); // Avro checks the length, and reuses the array it can
    byte[] b = u.getBytes();
    Object text = text(b, 0, u.getByteLength(), asciiAsBytes);
    scratch.text = b.length > Scratch.KEEP ? new Utf8() : u;
    return text;
  }

  /**
   * TEXT whose UTF-8 bytes are {@code len} bytes of {@code b} from {@code off}, copied: a {@link
   * Utf8Text} where {@code asciiAsBytes} asks for it and the text is ASCII, else the String.
   */
  static Object text(byte[] b, int off, int len, boolean asciiAsBytes) {
    int end = off + len;
    int i = off;
    while (asciiAsBytes && i < end && b[i] >= 0) {
      i++;
    }
    return asciiAsBytes && i == end
        ? Utf8Text.owning(Arrays.copyOfRange(b, off, end))
        : new String(b, off, len, StandardCharsets.UTF_8);
  }

  private static String readString(Decoder in, Scratch scratch) throws IOException {
    return (String) readText(in, scratch, false);
  }

  private static byte[] readBytes(Decoder in, Scratch scratch) throws IOException {
    ByteBuffer b = in.readBytes(scratch.bytes);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    if (b.capacity() <= Scratch.KEEP) {
      scratch.bytes = b;
    }
    return out;
  }
}
