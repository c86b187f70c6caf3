package dev.porter.core.dialect;

import dev.porter.core.PorterException;
import java.io.IOException;
import java.nio.file.Files;
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
    if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
      return new DatabaseRef(POSTGRESQL, jdbcFromUri(spec), null);
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
    Path abs = withoutLinks(file.toAbsolutePath());
    return new DatabaseRef(SQLITE, "jdbc:sqlite:" + abs, abs);
  }

  /**
   * The file a path names once symbolic links are followed. A restore replaces the database a link
   * points to, beside it (its staging file, pre-images and lock go there, on its file system), and
   * the link stays; replacing the link itself would leave the database it points to, often on a
   * mounted volume, with the old data. A path that does not exist yet (no file, or a link to a file
   * still to be created) keeps its name in its directory's real path.
   */
  static Path withoutLinks(Path abs) {
    Path p = abs;
    for (int hops = 0; hops < 40 && Files.isSymbolicLink(p); hops++) {
      try {
        p = p.resolveSibling(Files.readSymbolicLink(p));
      } catch (IOException e) {
        break;
      }
    }
    Path dir = p.getParent();
    if (dir != null && p.getFileName() != null) {
      try {
        p = dir.toRealPath().resolve(p.getFileName());
      } catch (IOException e) {
        // a directory that does not exist: reported as such by the command
      }
    }
    return p.normalize();
  }

  /** postgres://user:password@host:port/db?options → the JDBC URL pgjdbc expects. */
  static String jdbcFromUri(String uri) {
    java.net.URI u = java.net.URI.create(uri);
    StringBuilder b =
        new StringBuilder("jdbc:postgresql://")
            .append(u.getHost() == null ? "localhost" : u.getHost());
    if (u.getPort() > 0) {
      b.append(':').append(u.getPort());
    }
    b.append(u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath());
    java.util.List<String> params = new java.util.ArrayList<>();
    if (u.getRawUserInfo() != null) {
      String[] ui = u.getRawUserInfo().split(":", 2);
      params.add("user=" + ui[0]);
      if (ui.length > 1) {
        params.add("password=" + ui[1]);
      }
    }
    if (u.getRawQuery() != null) {
      params.add(u.getRawQuery());
    }
    if (!params.isEmpty()) {
      b.append('?').append(String.join("&", params));
    }
    return b.toString();
  }

  /** A short name of the database for archives: the file name, or the database name and host. */
  public String displayName() {
    if (file != null) {
      return file.getFileName().toString();
    }
    String rest = hostAndPath();
    int slash = rest.indexOf('/');
    return slash >= 0 ? rest.substring(slash + 1) + " on " + rest.substring(0, slash) : rest;
  }

  /**
   * The database's name, fit to start a file name: the SQLite file's name, or the PostgreSQL
   * database's name from the URL (percent-decoded) with every character but letters, digits, '.',
   * '-' and '_' made '_' ("postgresql" when the URL names none).
   */
  public String fileStem() {
    if (file != null) {
      return file.getFileName().toString();
    }
    String rest = hostAndPath();
    int slash = rest.indexOf('/');
    String name = slash >= 0 ? rest.substring(slash + 1) : "";
    try {
      name = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // not percent-encoded after all: its characters are made safe below all the same
    }
    name = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return name.isEmpty() || name.startsWith(".") ? "postgresql" + name : name;
  }

  /** A PostgreSQL URL's "host:port/database", without the scheme and the parameters. */
  private String hostAndPath() {
    String rest = jdbcUrl.replaceFirst("(?i)^jdbc:postgresql://", "");
    int q = rest.indexOf('?');
    return q >= 0 ? rest.substring(0, q) : rest;
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
