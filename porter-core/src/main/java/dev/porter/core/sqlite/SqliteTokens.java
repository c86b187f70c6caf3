package dev.porter.core.sqlite;

import java.util.ArrayList;
import java.util.List;

/** SQLite's SQL split into tokens, enough to find clauses in a statement SQLite has accepted. */
public final class SqliteTokens {
  private SqliteTokens() {}

  /**
   * A token: its kind (see {@link #of}) and its text.
   *
   * @param kind the kind of token
   * @param text its text as written (a comment's is one space)
   */
  public record Token(char kind, String text) {}

  /**
   * SQL split into tokens whose texts concatenate back to the input: 'w' word, 'q' quoted
   * identifier, 's' string literal, '(' and ')', '=' for = and ==, ' ' whitespace or comment, 'o'
   * any other character.
   */
  public static List<Token> of(String sql) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        while (i < n && Character.isWhitespace(sql.charAt(i))) {
          i++;
        }
        out.add(new Token(' ', sql.substring(start, i)));
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
        out.add(new Token(' ', " "));
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.add(new Token(' ', " "));
      } else if (c == '\'' || c == '"' || c == '`') {
        i = closing(sql, i, c);
        out.add(new Token(c == '\'' ? 's' : 'q', sql.substring(start, i)));
      } else if (c == '[') {
        int end = sql.indexOf(']', i + 1);
        i = end < 0 ? n : end + 1;
        out.add(new Token('q', sql.substring(start, i)));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < n
            && (Character.isLetterOrDigit(sql.charAt(i))
                || sql.charAt(i) == '_'
                || sql.charAt(i) == '$')) {
          i++;
        }
        out.add(new Token('w', sql.substring(start, i)));
      } else if (c == '(' || c == ')') {
        i++;
        out.add(new Token(c, String.valueOf(c)));
      } else if (c == '=') {
        i += i + 1 < n && sql.charAt(i + 1) == '=' ? 2 : 1;
        out.add(new Token('=', sql.substring(start, i)));
      } else if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token('o', sql.substring(start, i)));
      } else {
        i++;
        out.add(new Token('o', String.valueOf(c)));
      }
    }
    return out;
  }

  /** The index after the quote that closes the one at {@code i} (a doubled quote is escaped). */
  private static int closing(String sql, int i, char quote) {
    int j = i + 1;
    while (j < sql.length()) {
      if (sql.charAt(j) == quote) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return sql.length();
  }
}
