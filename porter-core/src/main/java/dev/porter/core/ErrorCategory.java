package dev.porter.core;

/**
 * What kind of failure a {@link PorterException} is. Each category maps to one documented process
 * exit code (docs/exit-codes.md); scripts branch on the code, people read the message.
 */
public enum ErrorCategory {
  /** A bug in porter. */
  INTERNAL(1),
  /** The command line or the call was wrong: an unknown option, a path that is not a database. */
  USAGE(2),
  /**
   * porter refused before writing anything: a target that is not empty, an archive newer than the
   * target, a missing transform step, a conversion that would lose data.
   */
  REFUSED(3),
  /** The archive is corrupt, truncated, or not a porter archive. */
  CORRUPT_ARCHIVE(4),
  /** The loaded database failed a check (row counts, integrity, foreign keys); nothing swapped. */
  VERIFICATION_FAILED(5),
  /** Another porter holds the lock on this database. */
  LOCKED(6),
  /** A database or file could not be read or written (missing, permissions, disk full). */
  UNAVAILABLE(7);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code the CLI uses for this category. */
  public int exitCode() {
    return exitCode;
  }
}
