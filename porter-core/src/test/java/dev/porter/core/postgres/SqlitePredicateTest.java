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
}
