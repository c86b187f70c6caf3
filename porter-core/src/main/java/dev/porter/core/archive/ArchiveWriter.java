package dev.porter.core.archive;

import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.TableEntry;

/**
 * Writes one archive. Call {@link #begin} once, then {@link #openTable} for each table that carries
 * data, in header order, then {@link #finish}. Closing a writer that was not finished discards what
 * it wrote: no partial archive is ever left under the final name.
 */
public interface ArchiveWriter extends AutoCloseable {
  /**
   * Writes the header. Returns it as written: every table that carries data now names its member;
   * pass those entries to {@link #openTable}.
   */
  ArchiveHeader begin(ArchiveHeader header);

  /**
   * Opens the data member of one table. Several tables may be open at once, each written by one
   * thread; members are appended to the archive in header order whatever order they finish in.
   */
  TableWriter openTable(TableEntry entry);

  /** Writes the trailer and makes the archive visible under its final name. */
  ArchiveTrailer finish();

  @Override
  void close();
}
