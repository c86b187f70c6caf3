package dev.porter.core.engine;

import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;

/** What an export wrote. */
public record ExportResult(ArchiveHeader header, ArchiveTrailer trailer, long nanos) {
  /** Every table of the archive, those without data of their own (virtual tables) included. */
  public long tables() {
    return header.tables().size();
  }

  public long rows() {
    return trailer.totalRows();
  }

  public long bytes() {
    return trailer.totalBytes();
  }
}
