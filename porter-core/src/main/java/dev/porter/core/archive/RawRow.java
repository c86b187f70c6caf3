package dev.porter.core.archive;

/**
 * One row as an archive reader's decoding thread holds it before any of its values becomes an
 * object: each value's kind, an integer or a real as a primitive, text and blob values as slices of
 * the decoded block. It is valid only during the call it is given to, and nothing in it is copied
 * (docs/decisions/0033-sqlite-records-made-on-the-decoding-thread.md).
 */
public interface RawRow {
  /** A NULL. */
  int NULL = 0;

  /** An integer: {@link #integer}. */
  int INTEGER = 1;

  /** A real: {@link #real}. */
  int REAL = 2;

  /** Text, as UTF-8 bytes: {@link #array}, {@link #offset}, {@link #length}. */
  int TEXT = 3;

  /** A blob: {@link #array}, {@link #offset}, {@link #length}. */
  int BLOB = 4;

  /** Any other kind of value (a decimal, a timestamp, text that is not UTF-8…). */
  int OTHER = 5;

  /** The number of values, in {@code TableDef.dataColumns()} order. */
  int size();

  /** The kind of value {@code i}: one of the constants above. */
  int kind(int i);

  long integer(int i);

  double real(int i);

  /** The array holding the bytes of the row's text and blob values. */
  byte[] array();

  int offset(int i);

  int length(int i);
}
