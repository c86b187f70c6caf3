package dev.porter.core.archive;

import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;

/**
 * Reads one archive front to back, as a stream: the header, each table's rows, then the trailer.
 * Every problem with the bytes (not a porter archive, a format this porter does not read, a
 * truncation, a checksum mismatch) is a {@code PorterException} of category CORRUPT_ARCHIVE or
 * REFUSED that names the member.
 */
public interface ArchiveReader extends AutoCloseable {
  /** The header; read when the reader is opened, so a refusal happens before any data is read. */
  ArchiveHeader header();

  /**
   * The next table's data, or null once every data member has been read. Whatever the previous
   * table reader left unread is read (and checked) first.
   */
  TableReader nextTable();

  /**
   * Reads to the end of the archive and returns the trailer, after checking every member against
   * it: sizes, row counts and SHA-256 checksums.
   */
  ArchiveTrailer trailer();

  @Override
  void close();
}
