package dev.porter.core.dialect;

import java.time.Clock;

/**
 * How an import treats its target.
 *
 * @param mode new or replace
 * @param acceptForeignKeyViolations load even when the loaded rows violate foreign keys (for a
 *     source that already held such rows); off by default, so violations fail the import
 * @param clock the clock that names pre-images
 * @param preImageLabel how the kept previous database is named: "pre-import" or "pre-upgrade"
 * @param allowLossy columns ("table.column") whose values may be converted with loss (rounded,
 *     truncated) instead of refused
 * @param writersHeld the caller already holds the application's writers off the target ({@link
 *     Dialect#holdWriters}, an upgrade from its backup to its swap), so the target takes no hold of
 *     its own in replace mode; a second one would queue behind the writers that wait for the first
 */
public record TargetOptions(
    ImportMode mode,
    boolean acceptForeignKeyViolations,
    Clock clock,
    String preImageLabel,
    java.util.Set<String> allowLossy,
    boolean writersHeld) {

  public TargetOptions {
    allowLossy = allowLossy == null ? java.util.Set.of() : java.util.Set.copyOf(allowLossy);
  }

  public TargetOptions(
      ImportMode mode,
      boolean acceptForeignKeyViolations,
      Clock clock,
      String preImageLabel,
      java.util.Set<String> allowLossy) {
    this(mode, acceptForeignKeyViolations, clock, preImageLabel, allowLossy, false);
  }

  public TargetOptions(
      ImportMode mode, boolean acceptForeignKeyViolations, Clock clock, String preImageLabel) {
    this(mode, acceptForeignKeyViolations, clock, preImageLabel, java.util.Set.of());
  }

  public static TargetOptions of(ImportMode mode) {
    return new TargetOptions(mode, false, Clock.systemUTC(), "pre-import");
  }

  public TargetOptions withPreImageLabel(String label) {
    return new TargetOptions(
        mode, acceptForeignKeyViolations, clock, label, allowLossy, writersHeld);
  }

  /** These options for a caller that holds the target's writers off itself. */
  public TargetOptions withWritersHeld() {
    return new TargetOptions(
        mode, acceptForeignKeyViolations, clock, preImageLabel, allowLossy, true);
  }

  /** True when the user named this column with --allow-lossy (TABLE.COLUMN, or TABLE.* ). */
  public boolean lossyAllowed(String table, String column) {
    return allowLossy.contains(table + "." + column)
        || allowLossy.contains(table + ".*")
        || allowLossy.contains("*");
  }
}
