package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.archive.RowPreparer;
import dev.porter.core.dialect.RowSink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link PagedLoadTest} again, with the rows prepared as an archive reader's two
 * decoding threads prepare them (ADR 0040): in runs of five rows, each run by a fork of the table's
 * preparer as if every row before it had been prepared, in batches of three, each batch handed on
 * only if the table's preparer finds that it follows; from the first that does not, the rest in
 * order by the table's preparer. The loads must be exactly those of rows read in order.
 */
class ForkedPreparedPagedLoadTest extends PagedLoadTest {
  private static final int RUN = 5;
  private static final int BATCH = 3;

  /** Batches the table's preparer refused, in this test instance. */
  private int refusedBatches;

  /** Batches of forks handed on, in this test instance. */
  private int forkedBatches;

  @Test
  void forksPrepareTheRunsOfATableWrittenAsPages() throws Exception {
    exactValuesAreAllWrittenAsPagesInTreesOfSeveralLevels();
    assertTrue(forkedBatches > 300, forkedBatches + " batches of forks");
    assertEquals(0, refusedBatches);
  }

  @Test
  void aRunWhoseFirstRowidIsNotAboveTheLastIsPreparedAgainInOrder() throws Exception {
    rowidsThatDoNotAscendGoOnByInsert(); // ids 2..798, 2000, then 401: the run of 401 is refused
    assertEquals(1, refusedBatches);
    assertEquals(160, forkedBatches); // two batches in each of the 80 runs before it
  }

  @Override
  void feed(RowSink sink, List<Object[]> rows) {
    RowPreparer preparer = sink.preparer();
    if (preparer == null) {
      super.feed(sink, rows);
      return;
    }
    RowPreparer fork = preparer.fork();
    assertNotNull(fork, "the SQLite preparer forks");
    int given = 0;
    boolean inOrder = false;
    for (int first = 0; first < rows.size() && !inOrder; first += RUN) {
      List<RowPreparer.Batch> made = new ArrayList<>();
      fork.restart(first);
      RowPreparer.Batch b = fork.newBatch();
      for (int r = first; r < Math.min(first + RUN, rows.size()); r++) {
        add(b, rows.get(r));
        if (b.rows() == BATCH) {
          made.add(b);
          b = fork.newBatch();
        }
      }
      if (b.rows() > 0) {
        made.add(b);
      }
      for (RowPreparer.Batch m : made) {
        if (!preparer.follows(m)) {
          refusedBatches++;
          inOrder = true;
          break;
        }
        forkedBatches++;
        given += m.rows();
        sink.accept(m);
      }
    }
    RowPreparer.Batch b = preparer.newBatch();
    for (int r = given; r < rows.size(); r++) {
      add(b, rows.get(r));
      if (b.rows() == BATCH) {
        sink.accept(b);
        b = preparer.newBatch();
      }
    }
    if (b.rows() > 0) {
      sink.accept(b);
    }
    assertFalse(inOrder && given == rows.size(), "a refused batch leaves rows to prepare in order");
  }

  private static void add(RowPreparer.Batch b, Object[] row) {
    if (!b.add(new PreparedPagedLoadTest.Raw(row))) {
      b.addObjects(row.clone());
    }
  }
}
