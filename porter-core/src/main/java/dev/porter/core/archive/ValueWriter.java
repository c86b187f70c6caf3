package dev.porter.core.archive;

/**
 * A table's rows taken value by value, in {@code TableDef.dataColumns()} order, without a Java
 * object per value: a source that decodes records itself (a SQLite export's page scan) hands each
 * value as it reads it, then ends the row
 * (docs/decisions/0035-sqlite-export-values-without-objects.md). What the values are is what {@link
 * TableWriter#write} would get as objects: {@code integer} for a {@code Long}, {@code real} for a
 * {@code Double}, {@code asciiText} for a {@link dev.porter.core.model.Utf8Text}, {@code blob} for
 * a {@code byte[]}, and any other value through {@code value}. Byte ranges are read during the call
 * and not kept.
 */
public interface ValueWriter {
  void nullValue();

  void integer(long v);

  void real(double v);

  /** TEXT whose bytes are all below 0x80. */
  void asciiText(byte[] b, int from, int length);

  void blob(byte[] b, int from, int length);

  /** A value of any other kind, as the object a row would hold. */
  void value(Object v);

  /** Completes the row; the next value starts the next row. */
  void endRow();
}
