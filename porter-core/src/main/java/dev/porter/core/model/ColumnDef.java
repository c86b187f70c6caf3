package dev.porter.core.model;

import java.util.Objects;

/**
 * One column of a table as the source database declared it.
 *
 * @param name the column name, exactly as the database spells it
 * @param declaredType the type as declared in the source (SQLite: verbatim, may be empty)
 * @param logicalType how its values travel in the archive
 * @param nullable false when the column is declared NOT NULL
 * @param generated whether the database computes it; generated columns carry no data
 * @param defaultSql the default expression as SQL text, or null
 */
public record ColumnDef(
    String name,
    String declaredType,
    LogicalType logicalType,
    boolean nullable,
    Generated generated,
    String defaultSql) {

  public ColumnDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(logicalType, "logicalType");
    declaredType = declaredType == null ? "" : declaredType;
    generated = generated == null ? Generated.NO : generated;
  }

  /** True when the column's values are carried in the archive. */
  public boolean carriesData() {
    return generated == Generated.NO;
  }
}
