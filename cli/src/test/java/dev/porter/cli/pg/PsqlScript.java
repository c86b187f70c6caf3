package dev.porter.cli.pg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * Runs a psql script (pg_dump output, the Chinook scripts) over JDBC, the way psql would: SQL
 * statements split on semicolons outside quotes, dollar quotes and comments; {@code COPY … FROM
 * stdin;} followed by its data up to {@code \.}; psql meta-commands (lines starting with a
 * backslash) skipped.
 */
public final class PsqlScript {
  private PsqlScript() {}

  public static void run(Connection c, Path script) throws IOException, SQLException {
    run(c, Files.readString(script, StandardCharsets.UTF_8));
  }

  public static void run(Connection c, String text) throws SQLException, IOException {
    int i = 0;
    int n = text.length();
    StringBuilder stmt = new StringBuilder();
    while (i < n) {
      if (stmt.toString().isBlank() && text.charAt(i) == '\\') {
        int eol = text.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
        stmt.setLength(0);
        continue;
      }
      char ch = text.charAt(i);
      if (ch == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
        int eol = text.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
        stmt.append('\n');
        continue;
      }
      if (ch == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        int end = i + 1;
        while (end < n) {
          if (text.charAt(end) == ch) {
            if (end + 1 < n && text.charAt(end + 1) == ch) {
              end += 2;
              continue;
            }
            break;
          }
          end++;
        }
        stmt.append(text, i, Math.min(n, end + 1));
        i = end + 1;
        continue;
      }
      if (ch == '$') {
        int close = text.indexOf('$', i + 1);
        if (close > 0) {
          String tag = text.substring(i, close + 1);
          if (tag.matches("\\$[A-Za-z_0-9]*\\$")) {
            int end = text.indexOf(tag, close + 1);
            if (end > 0) {
              stmt.append(text, i, end + tag.length());
              i = end + tag.length();
              continue;
            }
          }
        }
      }
      if (ch == ';') {
        String sql = stmt.toString().trim();
        stmt.setLength(0);
        i++;
        if (sql.isEmpty()) {
          continue;
        }
        if (sql.matches("(?is)^COPY\\s.*\\sFROM\\s+stdin$")) {
          int start = text.indexOf('\n', i) + 1;
          int end = text.indexOf("\n\\.", start - 1);
          String data = end < start ? "" : text.substring(start, end + 1);
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(sql, new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)));
          int after = text.indexOf('\n', end + 2);
          i = after < 0 ? n : after + 1;
          continue;
        }
        if (sql.matches("(?is)^(DROP|CREATE)\\s+DATABASE\\s.*")) {
          continue; // the test gives the script its own fresh database
        }
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        }
        continue;
      }
      stmt.append(ch);
      i++;
    }
    String rest = stmt.toString().trim();
    if (!rest.isEmpty()) {
      try (Statement s = c.createStatement()) {
        s.execute(rest);
      }
    }
  }
}
