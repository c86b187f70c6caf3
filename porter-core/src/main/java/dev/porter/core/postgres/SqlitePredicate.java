package dev.porter.core.postgres;

import dev.porter.core.sqlite.SqliteTokens;
import dev.porter.core.sqlite.SqliteTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code WHERE} clause of a SQLite partial index, taken from its {@code CREATE INDEX} statement
 * and spelled for PostgreSQL: identifiers that name a column of the table become that column's
 * quoted name (porter creates PostgreSQL columns with SQLite's exact spelling, which PostgreSQL
 * would otherwise fold to lower case), SQLite's other identifier quotes ({@code [x]}, {@code `x`})
 * become double quotes, {@code ==} becomes {@code =}. Everything else is kept as written: literals,
 * operators and functions that PostgreSQL does not share make it refuse the index, which the import
 * then reports.
 */
final class SqlitePredicate {
  private SqlitePredicate() {}

  /** Words that stay keywords even where a column has the same name. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "not",
          "is",
          "null",
          "in",
          "like",
          "between",
          "true",
          "false",
          "case",
          "when",
          "then",
          "else",
          "end",
          "escape",
          "collate",
          "exists",
          "distinct",
          "from",
          "cast",
          "as",
          "select",
          "where",
          "group",
          "by",
          "order",
          "having",
          "limit",
          "offset",
          "join",
          "left",
          "inner",
          "outer",
          "cross",
          "on",
          "using",
          "union",
          "all",
          "with",
          "asc",
          "desc",
          "create",
          "view",
          "if");

  /**
   * The predicate of a partial index, or null when {@code createIndex} has no {@code WHERE} after
   * its column list (or cannot be read).
   */
  static String where(String createIndex) {
    if (createIndex == null) {
      return null;
    }
    List<Token> tokens = SqliteTokens.of(createIndex);
    int depth = 0;
    boolean seenList = false;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() == '(') {
        depth++;
      } else if (t.kind() == ')') {
        depth--;
        if (depth == 0) {
          seenList = true;
        }
      } else if (seenList && depth == 0 && t.kind() == 'w' && t.text().equalsIgnoreCase("where")) {
        return rest(tokens, i + 1);
      }
    }
    return null;
  }

  /** Where the first word token {@code word} (any case) is, or the tokens' size. */
  private static int indexOfWord(List<Token> tokens, String word) {
    int i = 0;
    while (i < tokens.size()
        && !(tokens.get(i).kind() == 'w' && tokens.get(i).text().equalsIgnoreCase(word))) {
      i++;
    }
    return i;
  }

  /**
   * The terms of an index's column list as written ({@code lower(email)}, {@code name DESC}), or
   * null when {@code createIndex} cannot be read.
   */
  static List<String> terms(String createIndex) {
    if (createIndex == null) {
      return null;
    }
    List<Token> tokens = SqliteTokens.of(createIndex);
    int i = indexOfWord(tokens, "on");
    while (i < tokens.size() && tokens.get(i).kind() != '(') {
      i++;
    }
    if (i == tokens.size()) {
      return null;
    }
    List<String> terms = new ArrayList<>();
    StringBuilder term = new StringBuilder();
    int depth = 0;
    for (Token t : tokens.subList(i + 1, tokens.size())) {
      if (t.kind() == '(') {
        depth++;
      } else if (t.kind() == ')' && depth-- == 0) {
        terms.add(term.toString().strip());
        return terms;
      } else if (depth == 0 && t.text().equals(",")) {
        terms.add(term.toString().strip());
        term.setLength(0);
        continue;
      }
      term.append(t.text());
    }
    return null;
  }

  /**
   * What follows the name in a {@code CREATE VIEW} statement: {@code AS SELECT …}, or a column list
   * then {@code AS SELECT …}; null when the statement cannot be read.
   */
  static String viewBody(String createView) {
    if (createView == null) {
      return null;
    }
    List<Token> tokens = SqliteTokens.of(createView);
    int i = indexOfWord(tokens, "view");
    i = skipSpace(tokens, i + 1);
    for (String word : List.of("if", "not", "exists")) {
      if (i < tokens.size() && tokens.get(i).text().equalsIgnoreCase(word)) {
        i = skipSpace(tokens, i + 1);
      }
    }
    if (i >= tokens.size() || (tokens.get(i).kind() != 'w' && tokens.get(i).kind() != 'q')) {
      return null;
    }
    i = skipSpace(tokens, i + 1);
    if (i < tokens.size() && tokens.get(i).text().equals(".")) { // schema.name
      i = skipSpace(tokens, i + 1) + 1;
    }
    return rest(tokens, Math.min(i, tokens.size()));
  }

  /**
   * The statement's text from token {@code from} on, without the final semicolons; null if empty.
   */
  private static String rest(List<Token> tokens, int from) {
    StringBuilder b = new StringBuilder();
    for (Token t : tokens.subList(from, tokens.size())) {
      b.append(t.text());
    }
    String text = b.toString().strip();
    while (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    return text.isEmpty() ? null : text;
  }

  private static int skipSpace(List<Token> tokens, int i) {
    while (i < tokens.size() && tokens.get(i).kind() == ' ') {
      i++;
    }
    return i;
  }

  /**
   * SQLite SQL (a predicate, an index term, a view) spelled for PostgreSQL, where {@code columns}
   * are the names of the tables and columns it may refer to, as porter created them. A word
   * followed by a parenthesis is a function's name, and stays as written.
   */
  static String toPostgres(String predicate, List<String> columns) {
    StringBuilder b = new StringBuilder();
    List<Token> tokens = SqliteTokens.of(predicate);
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      switch (t.kind()) {
        case 'w' -> {
          int next = i + 1;
          while (next < tokens.size() && tokens.get(next).kind() == ' ') {
            next++;
          }
          boolean call = next < tokens.size() && tokens.get(next).kind() == '(';
          String column =
              call || KEYWORDS.contains(t.text().toLowerCase(Locale.ROOT))
                  ? null
                  : column(t.text(), columns);
          b.append(column != null ? Pg.quote(column) : t.text());
        }
        case 'q' -> {
          String name = t.text().substring(1, t.text().length() - 1);
          if (t.text().charAt(0) == '"') {
            name = name.replace("\"\"", "\"");
          } else if (t.text().charAt(0) == '`') {
            name = name.replace("``", "`");
          }
          String column = column(name, columns);
          b.append(Pg.quote(column != null ? column : name));
        }
        case '=' -> b.append(t.text().equals("==") ? "=" : t.text());
        default -> b.append(t.text());
      }
    }
    return b.toString();
  }

  /** The column {@code name} refers to (SQLite compares names without regard to ASCII case). */
  private static String column(String name, List<String> columns) {
    for (String c : columns) {
      if (c.equalsIgnoreCase(name)) {
        return c;
      }
    }
    return null;
  }
}
