package dev.porter.core.sqlite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.archive.RawRow;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.dialect.RowSink;
import dev.porter.core.model.Utf8Text;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link PagedLoadTest} again, with the rows prepared as an archive's decoding thread
 * prepares them (ADR 0033): each row as a {@link RawRow}, a row the preparer does not take as
 * objects, in batches of three so that a table's rows cross batches.
 */
class PreparedPagedLoadTest extends PagedLoadTest {
  /** Rows the preparer took, in this test instance. */
  private long prepared;

  @Test
  void rowsWrittenAsPagesArePrepared() throws Exception {
    exactValuesAreAllWrittenAsPagesInTreesOfSeveralLevels();
    assertTrue(prepared > 1000, prepared + " rows prepared");
  }

  @Override
  void feed(RowSink sink, List<Object[]> rows) {
    RowPreparer preparer = sink.preparer();
    if (preparer == null) {
      super.feed(sink, rows);
      return;
    }
    RowPreparer.Batch batch = preparer.newBatch();
    for (Object[] row : rows) {
      if (batch.add(new Raw(row))) {
        prepared++;
      } else {
        batch.addObjects(row.clone());
      }
      if (batch.rows() == 3) {
        sink.accept(batch);
        batch = preparer.newBatch();
      }
    }
    if (batch.rows() > 0) {
      sink.accept(batch);
    }
  }

  /**
   * A row of objects as a {@link RawRow}: its text and blobs in one array, as a block holds them.
   */
  static final class Raw implements RawRow {
    private final int[] kinds;
    private final long[] integers;
    private final double[] reals;
    private final int[] offsets;
    private final int[] lengths;
    private final byte[] bytes;

    Raw(Object[] row) {
      int n = row.length;
      kinds = new int[n];
      integers = new long[n];
      reals = new double[n];
      offsets = new int[n];
      lengths = new int[n];
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(7); // the values do not start at the array's first byte
      for (int i = 0; i < n; i++) {
        Object v = row[i];
        byte[] b = null;
        if (v == null) {
          kinds[i] = NULL;
        } else if (v instanceof Long || v instanceof Integer) {
          kinds[i] = INTEGER;
          integers[i] = ((Number) v).longValue();
        } else if (v instanceof Double d) {
          kinds[i] = REAL;
          reals[i] = d;
        } else if (v instanceof String s) {
          kinds[i] = TEXT;
          b = s.getBytes(StandardCharsets.UTF_8);
        } else if (v instanceof Utf8Text t) {
          kinds[i] = TEXT;
          b = t.utf8();
        } else if (v instanceof byte[] blob) {
          kinds[i] = BLOB;
          b = blob;
        } else {
          kinds[i] = OTHER;
        }
        if (b != null) {
          offsets[i] = all.size();
          lengths[i] = b.length;
          all.writeBytes(b);
        }
      }
      bytes = all.toByteArray();
    }

    @Override
    public int size() {
      return kinds.length;
    }

    @Override
    public int kind(int i) {
      return kinds[i];
    }

    @Override
    public long integer(int i) {
      return integers[i];
    }

    @Override
    public double real(int i) {
      return reals[i];
    }

    @Override
    public byte[] array() {
      return bytes;
    }

    @Override
    public int offset(int i) {
      return offsets[i];
    }

    @Override
    public int length(int i) {
      return lengths[i];
    }
  }
}
