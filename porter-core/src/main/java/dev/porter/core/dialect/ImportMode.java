package dev.porter.core.dialect;

/** What an import may do to an existing target. */
public enum ImportMode {
  /** The target must not exist, or be empty. */
  NEW,
  /**
   * The target is rebuilt beside the old one and swapped in atomically; the old one is kept as a
   * pre-image.
   */
  REPLACE;

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
