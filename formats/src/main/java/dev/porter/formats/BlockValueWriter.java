package dev.porter.formats;

import dev.porter.core.PorterException;
import dev.porter.core.archive.ValueWriter;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;

/**
 * A table's rows given value by value, encoded as they come, straight into the block (ADR 0035):
 * the same bytes, and the same refusals, as {@link RowDatumWriter#write} of the objects they stand
 * for.
 *
 * <p>A class of its own, so that the launcher can keep its methods out of their callers'
 * compilations (docs/decisions/0019-jit-without-branch-traps.md, amended): inlined, they made the
 * SQLite page decoder's C2 compilation the largest of an export.
 */
final class BlockValueWriter implements ValueWriter {
  private final String table;
  private final RowDatumWriter datum;
  private final AvroContainerWriter avro;

  /** The encoder of the block the current row goes into, asked for at each row's start. */
  private BinaryEncoder out;

  private int field;

  BlockValueWriter(String table, RowDatumWriter datum, AvroContainerWriter avro) {
    this.table = table;
    this.datum = datum;
    this.avro = avro;
  }

  private PorterException failed(IOException e) {
    return PorterArchiveWriter.spoolFailed(table, e);
  }

  /**
   * Writes the union branch of the next field for a value of {@code kind}; false, with nothing
   * written, where the field has none (the caller then refuses the value, made into the object it
   * stands for only then).
   */
  private boolean begin(ValueKind kind) throws IOException {
    if (field == 0) {
      datum.startRow();
      out = avro.encoder(); // a row given as objects may have filled the block before
    }
    if (field >= datum.fields()) {
      throw datum.width(field + 1);
    }
    int branch = datum.branch(field, kind);
    if (branch < 0) {
      return false;
    }
    out.writeIndex(branch);
    field++;
    return true;
  }

  @Override
  public void nullValue() {
    try {
      if (!begin(ValueKind.NULL)) {
        throw datum.refusal(field, null);
      }
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void integer(long v) {
    try {
      if (!begin(ValueKind.LONG)) {
        throw datum.refusal(field, v);
      }
      out.writeLong(v);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void real(double v) {
    try {
      if (!begin(ValueKind.DOUBLE)) {
        throw datum.refusal(field, v);
      }
      out.writeDouble(v);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void asciiText(byte[] v, int from, int length) {
    try {
      if (!begin(ValueKind.STRING)) {
        throw datum.refusal(
            field,
            dev.porter.core.model.Utf8Text.owning(Arrays.copyOfRange(v, from, from + length)));
      }
      out.writeBytes(v, from, length); // a string: the length, then the UTF-8 bytes
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void blob(byte[] v, int from, int length) {
    try {
      if (!begin(ValueKind.BYTES)) {
        throw datum.refusal(field, Arrays.copyOfRange(v, from, from + length));
      }
      out.writeBytes(v, from, length);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void value(Object v) {
    ValueKind kind = ValueKind.forValue(v);
    try {
      if (!begin(kind)) {
        throw datum.refusal(field, v);
      }
      kind.write(v, out);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void endRow() {
    if (field != datum.fields()) {
      throw datum.width(field);
    }
    field = 0;
    try {
      avro.rowAppended();
    } catch (IOException e) {
      throw failed(e);
    }
  }
}
