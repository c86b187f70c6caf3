package dev.porter.core.app;

/** What an import does with the archive's rows of a seed table (one the baseline already fills). */
public enum SeedPolicy {
  /** Keep the baseline's rows; the archive's are counted as not loaded. The default. */
  SKIP,
  /** Add the archive's rows whose primary key the baseline lacks (a user-added row survives). */
  MERGE,
  /** Delete the baseline's rows and load the archive's. */
  REPLACE;

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static SeedPolicy parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw dev.porter.core.PorterException.usage(
          "unknown seed policy '" + s + "' (expected skip, merge or replace)");
    }
  }
}
