package dev.porter.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlitePredicateTest {
  static final List<String> COLUMNS = List.of("userId", "closedAt", "state", "where", "Note");

  @Test
  void thePredicateIsWhatFollowsTheColumnList() {
    assertEquals(
        "closedAt IS NULL",
        SqlitePredicate.where(
            "CREATE UNIQUE INDEX one_open ON ticket(userId) WHERE closedAt IS NULL"));
    assertEquals(
        "state = 'a' AND (x > 1)",
        SqlitePredicate.where(
            "create index i on \"t (where)\" (\"a WHERE\", b)\n  where state = 'a' AND (x > 1);"));
    assertEquals(
        "\"where\" = 'WHERE'",
        SqlitePredicate.where(
            "CREATE INDEX i ON t ([where]) -- where not\n WHERE \"where\" = 'WHERE'"));
  }

  @Test
  void anIndexWithoutWhereHasNoPredicate() {
    assertNull(SqlitePredicate.where("CREATE INDEX i ON t (a, b)"));
    assertNull(SqlitePredicate.where("CREATE INDEX i ON t (a) /* WHERE a > 1 */"));
    assertNull(SqlitePredicate.where("CREATE INDEX i ON t (a) WHERE ;"));
    assertNull(SqlitePredicate.where(null));
  }

  @Test
  void columnsGetTheirExactQuotedNamesAndKeywordsStay() {
    assertEquals(
        "\"closedAt\" IS NULL AND \"userId\" > 0",
        SqlitePredicate.toPostgres("closedat IS NULL AND USERID > 0", COLUMNS));
    assertEquals(
        "\"where\" = 'closedAt' AND \"Note\" <> \"state\"",
        SqlitePredicate.toPostgres("[where] == 'closedAt' AND `note` <> \"STATE\"", COLUMNS));
    assertEquals(
        "\"state\" != 'it''s' OR \"unknown\" IS NOT NULL",
        SqlitePredicate.toPostgres("state != 'it''s' OR \"unknown\" IS NOT NULL", COLUMNS));
    assertEquals(
        "length(\"Note\") >= 3 AND \"state\" IN ('a', 'b')",
        SqlitePredicate.toPostgres("length(note) >= 3 AND state IN ('a', 'b')", COLUMNS));
  }

  @Test
  void anIndexsTermsAreReadAsWritten() {
    assertEquals(
        List.of("lower(email)", "\"created at\" DESC", "substr(a, 1, 2)"),
        SqlitePredicate.terms(
            "CREATE INDEX i ON t (lower(email), \"created at\" DESC, substr(a, 1, 2)) WHERE a > 0"));
    assertNull(SqlitePredicate.terms("CREATE INDEX i ON t"));
    assertEquals("(lower(\"email\"))", PgDdl.indexTerm("lower(\"email\")"));
    assertEquals("(\"a\" + 1) DESC", PgDdl.indexTerm("\"a\" + 1 desc"));
    assertEquals("\"created at\" ASC", PgDdl.indexTerm("\"created at\" asc"));
  }

  @Test
  void aViewsBodyFollowsItsName() {
    assertEquals(
        "AS SELECT a FROM t",
        SqlitePredicate.viewBody("CREATE VIEW IF NOT EXISTS main.\"v w\" AS SELECT a FROM t;"));
    assertEquals(
        "(x, y) AS SELECT a, b FROM t",
        SqlitePredicate.viewBody("create temp view v (x, y) AS SELECT a, b FROM t"));
    assertEquals(
        "AS SELECT \"Kind\", count(*) AS \"n\" FROM \"ticket\" GROUP BY \"Kind\"",
        SqlitePredicate.toPostgres(
            "AS SELECT kind, count(*) AS n FROM Ticket GROUP BY [KIND]",
            List.of("ticket", "Kind", "n")));
  }
}
