package dev.porter.core.dialect;

import dev.porter.core.PorterException;
import dev.porter.core.sqlite.SqliteDialect;

/** The dialects this porter build knows. */
public final class Dialects {
  private Dialects() {}

  public static Dialect forRef(DatabaseRef ref) {
    return forEngine(ref.engine());
  }

  /** The dialect of {@code ref}, reading only the given PostgreSQL schemas. */
  public static Dialect forRef(DatabaseRef ref, java.util.List<String> schemas) {
    if (!DatabaseRef.POSTGRESQL.equals(ref.engine())) {
      throw PorterException.usage("--schema applies to PostgreSQL databases only");
    }
    return new dev.porter.core.postgres.PgDialect(schemas);
  }

  public static Dialect forEngine(String engine) {
    if (DatabaseRef.SQLITE.equals(engine)) {
      return new SqliteDialect();
    }
    if (DatabaseRef.POSTGRESQL.equals(engine)) {
      return new dev.porter.core.postgres.PgDialect();
    }
    throw PorterException.usage("porter cannot work with " + engine + " databases yet");
  }
}
