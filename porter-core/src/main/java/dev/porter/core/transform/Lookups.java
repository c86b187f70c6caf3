package dev.porter.core.transform;

/**
 * The lookup tables a row operation may read: each is a table of the step's input version, keyed by
 * the columns its {@link LookupSpec} names, fully read before any row that uses it.
 */
public interface Lookups {
  /**
   * The row of {@code table} whose key equals {@code key}, or null. The row's values are in the
   * order of the table's columns at the step's input version.
   */
  Object[] find(String table, Object... key);
}
