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
 */
public record TargetOptions(
    ImportMode mode, boolean acceptForeignKeyViolations, Clock clock, String preImageLabel) {
  public static TargetOptions of(ImportMode mode) {
    return new TargetOptions(mode, false, Clock.systemUTC(), "pre-import");
  }

  public TargetOptions withPreImageLabel(String label) {
    return new TargetOptions(mode, acceptForeignKeyViolations, clock, label);
  }
}
