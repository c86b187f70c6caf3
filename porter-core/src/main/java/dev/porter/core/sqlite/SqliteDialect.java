package dev.porter.core.sqlite;

import dev.porter.core.dialect.DatabaseRef;
import dev.porter.core.dialect.Dialect;
import dev.porter.core.dialect.Source;
import dev.porter.core.dialect.Target;
import dev.porter.core.dialect.TargetOptions;

/** SQLite, through sqlite-jdbc. */
public final class SqliteDialect implements Dialect {
  @Override
  public String engine() {
    return DatabaseRef.SQLITE;
  }

  @Override
  public Source openSource(DatabaseRef ref) {
    return SqliteSource.open(ref.file());
  }

  @Override
  public Target openTarget(DatabaseRef ref, TargetOptions options) {
    return SqliteTarget.open(ref.file(), options);
  }
}
