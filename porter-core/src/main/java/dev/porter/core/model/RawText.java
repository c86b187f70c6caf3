package dev.porter.core.model;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SQLite TEXT value whose bytes are not valid UTF-8. SQLite stores such values as they were
 * given; porter carries the bytes unchanged so that the storage class and the bytes survive.
 */
public final class RawText {
  private final byte[] bytes;

  public RawText(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawText other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "RawText[" + HexFormat.of().formatHex(bytes) + "]";
  }
}
