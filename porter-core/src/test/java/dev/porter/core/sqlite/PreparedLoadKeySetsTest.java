package dev.porter.core.sqlite;

import java.util.Arrays;

/**
 * Every test of {@link LoadKeySetsTest} again, with each row the preparer takes given to the sets
 * as a prepared row (ADR 0033) and the others as objects, as a page loader gives them.
 */
class PreparedLoadKeySetsTest extends LoadKeySetsTest {
  @Override
  void track(SqliteKeySets.Tracking tracking, Object[] row) {
    SqliteRecords.Affinity[] blob = new SqliteRecords.Affinity[row.length];
    Arrays.fill(blob, SqliteRecords.Affinity.BLOB); // keeps every value as it is
    int[] source = new int[row.length];
    Arrays.setAll(source, i -> i);
    SqlitePreparedRows.Preparer preparer =
        new SqlitePreparedRows.Preparer(
            new SqliteRecords(blob, new boolean[row.length], source, true), -1, row.length);
    SqlitePreparedRows batch = preparer.newBatch();
    if (batch.add(new PreparedPagedLoadTest.Raw(row))) {
      tracking.accept(batch, 0);
    } else {
      tracking.accept(row);
    }
  }
}
