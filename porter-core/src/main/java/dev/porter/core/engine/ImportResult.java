package dev.porter.core.engine;

import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import java.util.List;

/**
 * What an import did.
 *
 * @param header the archive's header
 * @param trailer the archive's trailer (counts and checksums, all verified)
 * @param tables per table: rows read from the archive and rows written to the target
 * @param checks the post-load checks, all passed
 * @param commit where the data went and where the previous database was kept
 * @param nanos wall time
 */
public record ImportResult(
    ArchiveHeader header,
    ArchiveTrailer trailer,
    List<TableResult> tables,
    List<Check> checks,
    CommitResult commit,
    long nanos) {

  /** One table's rows. */
  public record TableResult(String table, long rowsRead, long rowsWritten) {}

  public ImportResult {
    tables = List.copyOf(tables);
    checks = List.copyOf(checks);
  }

  public long rows() {
    return tables.stream().mapToLong(TableResult::rowsWritten).sum();
  }
}
