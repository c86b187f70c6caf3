package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.model.ColumnDef;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.RawText;
import dev.porter.core.model.TableEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * porter's container reader reads what Avro's own writer writes, with each codec Avro writes
 * porter's files with or may: every value kind, two union columns that share the RawText record
 * (defined once, then named), many blocks. And it refuses a damaged file rather than guess.
 */
class AvroContainerReaderTest {
  private static final LogicalType[] TYPES = {
    LogicalType.INTEGER,
    LogicalType.ANY,
    LogicalType.REAL,
    LogicalType.TEXT,
    LogicalType.BLOB,
    LogicalType.BOOLEAN,
    LogicalType.DECIMAL,
    LogicalType.DATE,
    LogicalType.TIMESTAMP,
    LogicalType.TIMESTAMPTZ,
    LogicalType.UUID,
    LogicalType.ANY
  };

  private static TableEntry entry() {
    List<ColumnDef> columns = new ArrayList<>();
    for (int i = 0; i < TYPES.length; i++) {
      columns.add(TestArchives.column("c" + i, "", TYPES[i]));
    }
    return new TableEntry(
        1, null, TestArchives.table("all kinds", columns.toArray(new ColumnDef[0])));
  }

  private static Object[] row(int i) {
    Object any =
        switch (i % 6) {
          case 0 -> (long) i;
          case 1 -> i / 7.0;
          case 2 -> "text " + i;
          case 3 -> new byte[] {(byte) i, 0, -1};
          case 4 -> new RawText(new byte[] {(byte) 0xC3, (byte) i});
          default -> null;
        };
    return new Object[] {
      (long) i * 1_000_003,
      any,
      i % 5 == 0 ? null : i * 0.25,
      "row " + i + " é",
      new byte[i % 300],
      i % 2 == 0,
      new BigDecimal(i + ".05"),
      LocalDate.ofEpochDay(i),
      LocalDateTime.of(2020, 1, 1, 0, 0).plusSeconds(i),
      Instant.ofEpochSecond(1_600_000_000L + i),
      new UUID(i, -i),
      i % 4 == 1 ? new RawText(new byte[] {(byte) 0xFF}) : "other " + i
    };
  }

  private static byte[] writeWithAvro(CodecFactory codec, int rows) throws IOException {
    TableEntry e = entry();
    Schema schema = AvroSchemas.forTable(e);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Object[]> w = new DataFileWriter<>(new RowDatumWriter(e, schema))) {
      w.setCodec(codec);
      w.setSyncInterval(2048); // many blocks
      w.create(schema, out);
      for (int i = 0; i < rows; i++) {
        w.append(row(i));
      }
    }
    return out.toByteArray();
  }

  private static List<Object[]> readAll(byte[] file) throws IOException {
    AvroContainerReader r = new AvroContainerReader(new ByteArrayInputStream(file));
    RowDatumReader rows = RowDatumReader.forSchema(r.schemaJson());
    assertEquals(TYPES.length, rows.fieldCount());
    List<Object[]> out = new ArrayList<>();
    while (r.nextRow()) {
      out.add(rows.read(r.decoder()));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "deflate", "zstandard"})
  void readsWhatAvrosOwnWriterWrites(String codec) throws Exception {
    CodecFactory f =
        switch (codec) {
          case "deflate" -> CodecFactory.deflateCodec(6);
          case "zstandard" -> CodecFactory.zstandardCodec(3);
          default -> CodecFactory.nullCodec();
        };
    int n = 3000;
    byte[] file = writeWithAvro(f, n);
    String schema = new String(file, StandardCharsets.ISO_8859_1);
    assertEquals(
        2,
        schema.split("\"RawText\"", -1).length - 1,
        "the record is defined in the first union and named in the second");
    List<Object[]> got = readAll(file);
    assertEquals(n, got.size());
    for (int i = 0; i < n; i++) {
      Object[] expected = row(i);
      Object[] actual = got.get(i);
      for (int c = 0; c < expected.length; c++) {
        if (expected[c] instanceof byte[] b) {
          assertArrayEquals(b, (byte[]) actual[c], "row " + i + " column " + c);
        } else {
          assertEquals(expected[c], actual[c], "row " + i + " column " + c);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "zstandard"})
  void refusesADamagedFile(String codec) throws Exception {
    byte[] file =
        writeWithAvro(
            codec.equals("null") ? CodecFactory.nullCodec() : CodecFactory.zstandardCodec(3), 500);
    // a file ends with the sync marker that closes its last block
    byte[] badSync = file.clone();
    badSync[file.length - 5] ^= 0x40;
    IOException e = assertThrows(IOException.class, () -> readAll(badSync));
    assertTrue(e.getMessage().contains("sync marker"), e.getMessage());
    byte[] cut = Arrays.copyOf(file, file.length - 20);
    assertThrows(IOException.class, () -> readAll(cut));
    byte[] badMagic = file.clone();
    badMagic[1] = 'x';
    assertThrows(IOException.class, () -> readAll(badMagic));
  }
}
