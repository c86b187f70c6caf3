package dev.porter.core.engine;

import dev.porter.core.dialect.Check;
import dev.porter.core.dialect.CommitResult;
import java.util.List;
import java.util.Map;

/**
 * What an import did: the JSON contract of {@code --report} (docs/json-output.md).
 *
 * @param app the app's id, or null for a plain restore
 * @param fromVersion the archive's schema version (null for a plain restore without an app)
 * @param toVersion the target's schema version (null likewise)
 * @param target the database now holding the data
 * @param preImage where the previous database was kept, or null
 * @param sources per archive table: rows read and where they went
 * @param tables per target table: rows written, skipped, columns dropped and defaulted
 * @param steps per step: what each route did to the rows
 * @param checks the checks that passed before the swap
 * @param millis wall time
 */
public record ImportReport(
    String app,
    String fromVersion,
    String toVersion,
    String target,
    String preImage,
    List<SourceReport> sources,
    List<TableReport> tables,
    List<StepReport> steps,
    List<Check> checks,
    long millis) {

  public ImportReport {
    sources = List.copyOf(sources);
    tables = List.copyOf(tables);
    steps = List.copyOf(steps);
    checks = List.copyOf(checks);
  }

  public long rowsWritten() {
    return tables.stream().mapToLong(TableReport::rowsWritten).sum();
  }

  public long rowsRead() {
    return sources.stream().mapToLong(SourceReport::rowsRead).sum();
  }

  public CommitResult commit() {
    return new CommitResult(target, preImage);
  }

  /**
   * One archive table.
   *
   * @param dropped why its rows reached no table, or null
   */
  public record SourceReport(
      String table, long rowsRead, List<String> destinations, String dropped) {
    public SourceReport {
      destinations = List.copyOf(destinations);
    }
  }

  /**
   * One target table.
   *
   * @param rowsArrived rows that reached it after every step
   * @param rowsWritten rows it received (for merge: those whose key was absent)
   * @param rowsSkippedAsSeed rows not loaded because it is a seed table under skip (or merge, for
   *     rows whose key the baseline had)
   * @param baselineRows rows the baseline had put in it
   * @param columnsWithoutDestination arriving columns it lacks → how many non-null values they held
   * @param columnsDefaulted its columns that took their default
   * @param coercions conversions between kinds made to fit its columns ("integer→boolean" → count)
   */
  public record TableReport(
      String table,
      String seedPolicy,
      long rowsArrived,
      long rowsWritten,
      long rowsSkippedAsSeed,
      long baselineRows,
      Map<String, Long> columnsWithoutDestination,
      List<String> columnsDefaulted,
      Map<String, Long> coercions) {
    public TableReport {
      coercions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(coercions));
      columnsWithoutDestination =
          java.util.Collections.unmodifiableMap(
              new java.util.LinkedHashMap<>(columnsWithoutDestination));
      columnsDefaulted = List.copyOf(columnsDefaulted);
    }
  }

  /** One step and what its routes did. */
  public record StepReport(
      String name,
      String from,
      String to,
      List<RouteReport> routes,
      Map<String, Long> droppedTables) {
    public StepReport {
      routes = List.copyOf(routes);
      droppedTables =
          java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(droppedTables));
    }
  }

  /**
   * One route.
   *
   * @param rowsIn rows of {@code from} it received
   * @param rowsOut rows of {@code to} it produced (fewer when it filters, more when it splits rows)
   * @param droppedColumns columns it discarded → how many non-null values they held
   */
  public record RouteReport(
      String from,
      String to,
      List<String> operations,
      long rowsIn,
      long rowsOut,
      Map<String, Long> droppedColumns) {
    public RouteReport {
      operations = List.copyOf(operations);
      droppedColumns =
          java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(droppedColumns));
    }
  }
}
