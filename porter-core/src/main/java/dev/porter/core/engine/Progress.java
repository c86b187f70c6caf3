package dev.porter.core.engine;

/**
 * Receives progress from an export or import, for a terminal bar or machine-readable events. Calls
 * come from the job's thread; implementations must be cheap.
 */
public interface Progress {
  Progress NONE = new Progress() {};

  /** A table begins; {@code expectedRows} is -1 when unknown. */
  default void tableStarted(String table, long expectedRows) {}

  /** {@code rows} more rows of the current table were moved. */
  default void rows(long rows) {}

  default void tableFinished(String table, long rows) {}

  /** A phase outside the row stream: "checking", "swapping"… */
  default void phase(String name) {}
}
