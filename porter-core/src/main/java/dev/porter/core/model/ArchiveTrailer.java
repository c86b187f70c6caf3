package dev.porter.core.model;

import java.util.List;

/**
 * The last member of every archive: row counts and checksums, known only once the data is written.
 *
 * @param tables one summary per table that carries data, in archive order
 * @param precedingSha256 the SHA-256 of every archive byte before the trailer's own tar header
 * @param completedAt when the export finished, UTC, ISO-8601
 */
public record ArchiveTrailer(
    List<TableSummary> tables, String precedingSha256, String completedAt) {
  public ArchiveTrailer {
    tables = List.copyOf(tables);
  }

  public long totalRows() {
    return tables.stream().mapToLong(TableSummary::rows).sum();
  }

  public long totalBytes() {
    return tables.stream().mapToLong(TableSummary::bytes).sum();
  }
}
