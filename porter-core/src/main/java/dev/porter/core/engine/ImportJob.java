package dev.porter.core.engine;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.TableReader;
import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.CommitResult;
import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.TableSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Restores an archive into a database: checks the header, builds the archived schema in a staging
 * database, streams every table's rows into it, reads the trailer (every checksum verified), checks
 * the staging database, and only then swaps it in. Any failure before the swap leaves the target
 * exactly as it was.
 */
public final class ImportJob {
  private static final int PROGRESS_EVERY = 10_000;

  private final Dialect dialect;
  private final DatabaseRef target;
  private final TargetOptions options;
  private final Progress progress;

  public ImportJob(Dialect dialect, DatabaseRef target, TargetOptions options, Progress progress) {
    this.dialect = dialect;
    this.target = target;
    this.options = options;
    this.progress = progress;
  }

  public ImportResult run(ArchiveReader reader) {
    long start = System.nanoTime();
    ArchiveHeader header = reader.header();
    String engine = header.source() == null ? null : header.source().engine();
    if (!dialect.engine().equals(engine)) {
      throw corruptionFirst(
          reader,
          PorterException.refused(
              "archive was exported from "
                  + engine
                  + "; restoring it into "
                  + dialect.engine()
                  + " is not supported yet"));
    }
    try (Target t = dialect.openTarget(target, options)) {
      List<ImportResult.TableResult> tables = new ArrayList<>();
      try {
        t.createSchema(header);
        TableReader in;
        while ((in = reader.nextTable()) != null) {
          String name = in.entry().table().name();
          progress.tableStarted(name, -1);
          RowSink sink = t.loader(in.entry());
          Object[] row;
          long n = 0;
          while ((row = in.next()) != null) {
            sink.accept(row);
            if (++n % PROGRESS_EVERY == 0) {
              progress.rows(PROGRESS_EVERY);
            }
          }
          long written = sink.finish();
          progress.rows(n % PROGRESS_EVERY);
          progress.tableFinished(name, written);
          tables.add(new ImportResult.TableResult(name, in.rowsRead(), written));
        }
      } catch (RuntimeException e) {
        throw corruptionFirst(reader, e);
      }
      progress.phase("verifying archive");
      ArchiveTrailer trailer = reader.trailer();
      t.finishLoad(header);
      progress.phase("checking");
      Map<String, Long> expected = new LinkedHashMap<>();
      for (TableSummary s : trailer.tables()) {
        expected.put(s.name(), s.rows());
      }
      List<Check> checks = t.verify(expected);
      progress.phase("swapping");
      CommitResult commit = t.commit();
      return new ImportResult(header, trailer, tables, checks, commit, System.nanoTime() - start);
    }
  }

  /**
   * The header and the rows are used before the trailer's checksums can be compared, so damaged
   * content can first show as another failure: a CREATE statement SQLite rejects, a table that is
   * not there, a row that breaks a constraint. Before such a failure is reported, the rest of the
   * archive is read; if it is corrupt, that is what is reported, with the other failure attached.
   */
  private static RuntimeException corruptionFirst(ArchiveReader reader, RuntimeException failure) {
    if (failure instanceof PorterException pe && pe.category() == ErrorCategory.CORRUPT_ARCHIVE) {
      return failure;
    }
    try {
      reader.trailer();
    } catch (PorterException pe) {
      if (pe.category() == ErrorCategory.CORRUPT_ARCHIVE) {
        pe.addSuppressed(failure);
        return pe;
      }
      failure.addSuppressed(pe);
    } catch (RuntimeException other) {
      failure.addSuppressed(other);
    }
    return failure;
  }
}
