package dev.porter.core.sqlite;

import dev.porter.core.model.PostgresSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL archive's UNIQUE constraints and indexes, as SQLite {@code CREATE INDEX} statements
 * (docs/cross-engine.md §3). What SQLite can take as PostgreSQL printed it is carried: b-tree
 * indexes on plain columns, with a direction and a {@code WHERE} clause whose casts ({@code
 * ::text}) are dropped. The rest (other methods, expressions, {@code INCLUDE}) is named with the
 * reason, for the import's report.
 */
final class PgIndexes {
  private PgIndexes() {}

  /**
   * One index to create: {@code sql} is null when it cannot be carried, and {@code why} says why.
   */
  record Index(String name, String table, String sql, String why) {}

  private static final Pattern INDEX =
      Pattern.compile(
          "(?is)CREATE (UNIQUE )?INDEX (\\S+) ON (?:ONLY )?\\S+ USING (\\w+) \\((.*?)\\)"
              + "( INCLUDE \\(.*?\\))?( WITH \\(.*?\\))?( WHERE (.*))?");

  private static final Pattern TERM =
      Pattern.compile(
          "(?i)(\"(?:[^\"]|\"\")*\"|[a-z_][a-z0-9_$]*)( (?:ASC|DESC))?(?: NULLS (?:FIRST|LAST))?");

  private static final Pattern UNIQUE =
      Pattern.compile("(?is)UNIQUE (?:NULLS (?:NOT )?DISTINCT )?\\((.*)\\)");

  /** A cast as PostgreSQL prints it: {@code ::text}, {@code ::character varying(20)[]}. */
  private static final Pattern CAST =
      Pattern.compile(
          "::(?:\"[^\"]+\"|[a-z_][a-z0-9_.]*(?: varying| precision| with(?:out)? time zone)?)"
              + "(?:\\(\\d+(?:,\\d+)?\\))?(?:\\[\\])?");

  static List<Index> of(PostgresSchema s) {
    List<Index> out = new ArrayList<>();
    for (PostgresSchema.Table t : s.tables()) {
      if (t.partitionOf() != null) {
        continue; // a partition's rows are in its parent's table
      }
      String table = Sqlite.quote(t.name());
      for (PostgresSchema.Constraint c : t.constraints()) {
        if (!c.type().equals("u")) {
          continue;
        }
        Matcher m = UNIQUE.matcher(c.definition());
        List<String> cols = m.matches() ? columns(m.group(1)) : null;
        out.add(
            cols == null
                ? new Index(c.name(), t.name(), null, "not a list of columns: " + c.definition())
                : new Index(
                    c.name(),
                    t.name(),
                    "CREATE UNIQUE INDEX "
                        + Sqlite.quote(c.name())
                        + " ON "
                        + table
                        + " ("
                        + String.join(", ", cols)
                        + ")",
                    null));
      }
      for (String def : t.indexes()) {
        Matcher m = INDEX.matcher(def);
        if (!m.matches()) {
          out.add(new Index(def, t.name(), null, "not read"));
          continue;
        }
        String name = unquote(m.group(2));
        List<String> cols = columns(m.group(4));
        String why =
            !m.group(3).equalsIgnoreCase("btree")
                ? "a " + m.group(3).toLowerCase(Locale.ROOT) + " index"
                : cols == null ? "an expression index" : m.group(5) != null ? "INCLUDE" : null;
        if (why != null) {
          out.add(new Index(name, t.name(), null, why));
          continue;
        }
        String where =
            m.group(8) != null ? " WHERE " + CAST.matcher(m.group(8)).replaceAll("") : "";
        out.add(
            new Index(
                name,
                t.name(),
                "CREATE "
                    + (m.group(1) != null ? "UNIQUE " : "")
                    + "INDEX "
                    + Sqlite.quote(name)
                    + " ON "
                    + table
                    + " ("
                    + String.join(", ", cols)
                    + ")"
                    + where,
                null));
      }
    }
    return out;
  }

  /** The terms of a column list, each a column with its direction; null when one is not. */
  private static List<String> columns(String list) {
    List<String> out = new ArrayList<>();
    for (String term : list.split(",")) {
      Matcher m = TERM.matcher(term.strip());
      if (!m.matches()) {
        return null;
      }
      out.add(Sqlite.quote(unquote(m.group(1))) + (m.group(2) != null ? m.group(2) : ""));
    }
    return out;
  }

  private static String unquote(String identifier) {
    return identifier.startsWith("\"")
        ? identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"")
        : identifier;
  }
}
