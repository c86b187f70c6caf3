package dev.porter.formats;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.archive.RawRow;
import dev.porter.core.archive.RowPreparer;
import dev.porter.core.archive.TableReader;
import dev.porter.core.archive.TableWriter;
import dev.porter.core.archive.ValueWriter;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.ArchiveTrailer;
import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.Generated;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.SourceInfo;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import dev.porter.core.model.TableKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds archives in memory straight through the format's writer, without any database. */
final class TestArchives {
  static final Instant CREATED = Instant.parse("2024-05-06T07:08:09Z");

  private TestArchives() {}

  static ColumnDef column(String name, String declared, LogicalType type) {
    return new ColumnDef(name, declared, type, true, Generated.NO, null);
  }

  static TableDef table(String name, ColumnDef... columns) {
    return new TableDef(
        name, TableKind.TABLE, List.of(columns), null, null, null, null, false, false, false);
  }

  /** Writes the tables (in map order) with their rows and returns the archive's bytes. */
  static byte[] write(Path spool, Map<TableDef, List<Object[]>> tables) {
    return write(spool, "zstandard", tables);
  }

  /** {@link #write(Path, Map)} with the table files in one of the codecs porter writes. */
  static byte[] write(Path spool, String codec, Map<TableDef, List<Object[]>> tables) {
    return write(spool, codec, tables, r -> false);
  }

  /**
   * {@link #write(Path, Map)}, the rows {@code byValues} picks (by their number in the table, from
   * 0) given value by value to {@link TableWriter#values}, as a SQLite export's scan gives them:
   * ASCII text as its bytes, every other value as its object.
   */
  static byte[] write(
      Path spool,
      String codec,
      Map<TableDef, List<Object[]>> tables,
      java.util.function.LongPredicate byValues) {
    List<TableEntry> entries = new ArrayList<>();
    int ordinal = 0;
    for (TableDef t : tables.keySet()) {
      entries.add(new TableEntry(++ordinal, null, t));
    }
    ArchiveHeader header =
        new ArchiveHeader(
            ArchiveHeader.FORMAT_NAME,
            ArchiveHeader.CURRENT_FORMAT_VERSION,
            "test",
            CREATED.toString(),
            null,
            new SourceInfo("sqlite", "3.0.0", "test.db"),
            entries,
            null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PorterArchive.WriteOptions options =
        new PorterArchive.WriteOptions(
                spool, "zstandard", 3, false, Clock.fixed(CREATED, ZoneOffset.UTC))
            .withCodec(codec);
    try (ArchiveWriter w = PorterArchive.write(out, options)) {
      ArchiveHeader written = w.begin(header);
      List<List<Object[]>> rows = new ArrayList<>(tables.values());
      for (int i = 0; i < written.tables().size(); i++) {
        TableWriter tw = w.openTable(written.tables().get(i));
        long r = 0;
        for (Object[] row : rows.get(i)) {
          if (byValues.test(r++)) {
            writeValues(tw.values(), row);
          } else {
            tw.write(row);
          }
        }
        tw.finish();
      }
      w.finish();
    }
    return out.toByteArray();
  }

  private static void writeValues(ValueWriter out, Object[] row) {
    for (Object v : row) {
      if (v == null) {
        out.nullValue();
      } else if (v instanceof Long x) {
        out.integer(x);
      } else if (v instanceof Double x) {
        out.real(x);
      } else if (v instanceof byte[] x) {
        out.blob(x, 0, x.length);
      } else if (v instanceof String x && x.chars().allMatch(c -> c < 0x80)) {
        byte[] ascii = ("<" + x + ">").getBytes(StandardCharsets.US_ASCII);
        out.asciiText(ascii, 1, ascii.length - 2); // a slice, as of a page
      } else {
        out.value(v);
      }
    }
    out.endRow();
  }

  /** What a full read of an archive returned: every table's rows, and the trailer. */
  record Read(ArchiveHeader header, Map<String, List<Object[]>> rows, ArchiveTrailer trailer) {}

  /**
   * As {@link #readAll}, with every table's rows prepared on the decoding thread by {@link
   * Objects}, which takes each row whose values are all of the five plain kinds except the rows
   * {@code leave} picks (by their number in the table, from 0), and turns each into the objects the
   * reader would have given.
   */
  static Read readAllPrepared(byte[] archive, java.util.function.LongPredicate leave) {
    try (ArchiveReader r = PorterArchive.read(new ByteArrayInputStream(archive), "test archive")) {
      Map<String, List<Object[]>> rows = new LinkedHashMap<>();
      TableReader t;
      while ((t = r.nextTable()) != null) {
        Objects preparer = new Objects(leave);
        if (!t.prepareWith(preparer)) {
          throw new AssertionError("the reader did not take the preparer");
        }
        List<Object[]> list = new ArrayList<>();
        RowPreparer.Batch b;
        while ((b = t.nextBatch()) != null) {
          list.addAll(((Objects.Batch) b).rows);
        }
        if (t.rowsRead() != list.size()) {
          throw new AssertionError(t.rowsRead() + " rows read, " + list.size() + " in batches");
        }
        rows.put(t.entry().table().name(), list);
      }
      return new Read(r.header(), rows, r.trailer());
    }
  }

  /** A preparer whose prepared rows are the objects a reader gives. */
  static final class Objects implements RowPreparer {
    private final java.util.function.LongPredicate leave;
    private long seen;
    long prepared;

    Objects(java.util.function.LongPredicate leave) {
      this.leave = leave;
    }

    @Override
    public Batch newBatch() {
      return new Batch();
    }

    final class Batch implements RowPreparer.Batch {
      final List<Object[]> rows = new ArrayList<>();

      @Override
      public boolean add(RawRow row) {
        if (leave.test(seen++)) {
          return false;
        }
        Object[] values = new Object[row.size()];
        for (int i = 0; i < values.length; i++) {
          int off = row.offset(i);
          int len = row.length(i);
          switch (row.kind(i)) {
            case RawRow.NULL -> values[i] = null;
            case RawRow.INTEGER -> values[i] = row.integer(i);
            case RawRow.REAL -> values[i] = row.real(i);
            case RawRow.TEXT ->
                values[i] =
                    new String(row.array(), off, len, java.nio.charset.StandardCharsets.UTF_8);
            case RawRow.BLOB -> values[i] = Arrays.copyOfRange(row.array(), off, off + len);
            default -> {
              return false;
            }
          }
        }
        rows.add(values);
        prepared++;
        return true;
      }

      @Override
      public void addObjects(Object[] row) {
        rows.add(row);
      }

      @Override
      public int rows() {
        return rows.size();
      }

      @Override
      public long bytes() {
        return 64L * rows.size();
      }
    }
  }

  /**
   * The rows of the archive's first table, read to its end and the trailer after {@code before} was
   * given the table's reader (to ask it for a form of values before the first row).
   */
  static List<Object[]> readFirstTable(
      byte[] archive, java.util.function.Consumer<TableReader> before) {
    try (ArchiveReader r = PorterArchive.read(new ByteArrayInputStream(archive), "test")) {
      TableReader in = r.nextTable();
      before.accept(in);
      List<Object[]> rows = new ArrayList<>();
      Object[] row;
      while ((row = in.next()) != null) {
        rows.add(row);
      }
      r.trailer();
      return rows;
    }
  }

  /** Reads everything, the way verify and import do: header, every row, then the trailer. */
  static Read readAll(byte[] archive) {
    try (ArchiveReader r = PorterArchive.read(new ByteArrayInputStream(archive), "test archive")) {
      Map<String, List<Object[]>> rows = new LinkedHashMap<>();
      TableReader t;
      while ((t = r.nextTable()) != null) {
        List<Object[]> list = new ArrayList<>();
        Object[] row;
        while ((row = t.next()) != null) {
          list.add(row);
        }
        rows.put(t.entry().table().name(), list);
      }
      return new Read(r.header(), rows, r.trailer());
    }
  }
}
