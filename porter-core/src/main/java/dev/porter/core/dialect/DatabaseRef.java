package dev.porter.core.dialect;

import dev.porter.core.PorterException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A database named on the command line or by an embedding app: a JDBC URL ({@code jdbc:sqlite:…},
 * {@code jdbc:postgresql:…}) or the path of a SQLite file.
 *
 * @param engine "sqlite" or "postgresql"
 * @param jdbcUrl the JDBC URL to connect with
 * @param file the database file, for SQLite; null otherwise
 */
public record DatabaseRef(String engine, String jdbcUrl, Path file) {
  public static final String SQLITE = "sqlite";
  public static final String POSTGRESQL = "postgresql";

  public static DatabaseRef parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw PorterException.usage("no database given");
    }
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:sqlite:")) {
      String rest = spec.substring("jdbc:sqlite:".length());
      if (rest.startsWith("file:")) {
        rest = rest.substring("file:".length());
      }
      int q = rest.indexOf('?');
      if (q >= 0) {
        rest = rest.substring(0, q);
      }
      if (rest.isEmpty() || rest.equals(":memory:") || rest.startsWith(":resource:")) {
        throw PorterException.usage("porter needs a SQLite database file, not " + spec);
      }
      return sqliteFile(Path.of(rest));
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return new DatabaseRef(POSTGRESQL, spec, null);
    }
    if (lower.startsWith("jdbc:")) {
      throw PorterException.usage(
          "unsupported database URL "
              + redact(spec)
              + ": porter reads jdbc:sqlite: and jdbc:postgresql:");
    }
    return sqliteFile(Path.of(spec));
  }

  public static DatabaseRef sqliteFile(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    return new DatabaseRef(SQLITE, "jdbc:sqlite:" + abs, abs);
  }

  /** A name for messages: the file, or the URL without its password. */
  public String display() {
    return file != null ? file.toString() : redact(jdbcUrl);
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("://([^:/@]+):[^@/]*@", "://$1:***@");
  }
}
