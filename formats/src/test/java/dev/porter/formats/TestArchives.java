package dev.porter.formats;

import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.archive.TableReader;
import dev.porter.core.archive.TableWriter;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
        for (Object[] row : rows.get(i)) {
          tw.write(row);
        }
        tw.finish();
      }
      w.finish();
    }
    return out.toByteArray();
  }

  /** What a full read of an archive returned: every table's rows, and the trailer. */
  record Read(ArchiveHeader header, Map<String, List<Object[]>> rows, ArchiveTrailer trailer) {}

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
