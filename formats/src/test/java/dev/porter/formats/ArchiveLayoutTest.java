package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.model.ArchiveHeader;
import dev.porter.core.model.LogicalType;
import dev.porter.core.model.RawText;
import dev.porter.core.model.SourceInfo;
import dev.porter.core.model.TableDef;
import dev.porter.core.model.TableEntry;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive is what the format promises to other tools: a plain ustar file (read here with
 * Commons Compress) whose members come in a fixed order, whose table files are ordinary Avro
 * container files with the zstandard codec (read here with Avro's generic reader), and whose
 * trailer's sizes and SHA-256 checksums match the bytes (computed here with MessageDigest).
 */
class ArchiveLayoutTest {
  @TempDir static Path spool;

  static byte[] archive;
  static Map<String, byte[]> members = new LinkedHashMap<>();

  static final TableDef MIXED =
      TestArchives.table(
          "mixed values",
          TestArchives.column("id", "INTEGER", LogicalType.INTEGER),
          TestArchives.column("value with odd name", "", LogicalType.ANY));

  static final TableDef TYPED =
      TestArchives.table(
          "typed",
          TestArchives.column("t", "TEXT", LogicalType.TEXT),
          TestArchives.column("b", "BLOB", LogicalType.BLOB));

  @BeforeAll
  static void write() throws Exception {
    Map<TableDef, List<Object[]>> tables = new LinkedHashMap<>();
    tables.put(
        MIXED,
        List.of(
            new Object[] {1L, null},
            new Object[] {2L, Long.MIN_VALUE},
            new Object[] {3L, -0.0},
            new Object[] {4L, "text \0 😀"},
            new Object[] {5L, new byte[] {1, 2}},
            new Object[] {6L, new RawText(new byte[] {0x61, (byte) 0xff})}));
    List<Object[]> typed = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      typed.add(new Object[] {"row " + i, new byte[i % 7]});
    }
    tables.put(TYPED, typed);
    archive = TestArchives.write(spool, tables);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        assertTrue(e.isFile(), e.getName() + " is a regular file");
        assertEquals(0644, e.getMode(), e.getName());
        members.put(e.getName(), tar.readAllBytes());
      }
    }
  }

  @Test
  void membersComeInTheFormatsOrder() {
    assertEquals(
        List.of(
            "porter/header.json",
            "data/0001-mixed_values.avro",
            "data/0002-typed.avro",
            "porter/trailer.json",
            "porter/trailer.sha256"),
        List.copyOf(members.keySet()));
    assertEquals(0, archive.length % 10240, "whole 10240-byte records");
    for (int i = archive.length - 1024; i < archive.length; i++) {
      assertEquals(0, archive[i], "the archive ends with two zero blocks");
    }
  }

  @Test
  void headerNamesTheFormatAndTheMembers() throws Exception {
    JsonNode h = new ObjectMapper().readTree(members.get("porter/header.json"));
    assertEquals("porter-archive", h.get("format").asText());
    assertEquals(1, h.get("formatVersion").asInt());
    assertEquals(TestArchives.CREATED.toString(), h.get("createdAt").asText());
    assertEquals("data/0001-mixed_values.avro", h.get("tables").get(0).get("member").asText());
    assertEquals("mixed values", h.get("tables").get(0).get("table").get("name").asText());
    assertEquals(
        "any",
        h.get("tables").get(0).get("table").get("columns").get(1).get("logicalType").asText());
  }

  @Test
  void tableFilesAreOrdinaryAvroWithZstandard() throws Exception {
    try (DataFileStream<GenericRecord> in =
        new DataFileStream<>(
            new ByteArrayInputStream(members.get("data/0001-mixed_values.avro")),
            new GenericDatumReader<>())) {
      assertEquals("zstandard", in.getMetaString("avro.codec"));
      assertEquals("mixed values", in.getSchema().getProp("porter.table"));
      assertEquals(
          "value with odd name", in.getSchema().getFields().get(1).getProp("porter.column"));
      List<GenericRecord> rows = new ArrayList<>();
      in.forEach(rows::add);
      assertEquals(6, rows.size());
      assertNull(rows.get(0).get(1));
      assertEquals(Long.MIN_VALUE, rows.get(1).get(1));
      assertEquals(
          Double.doubleToRawLongBits(-0.0),
          Double.doubleToRawLongBits((Double) rows.get(2).get(1)));
      assertEquals("text \0 😀", rows.get(3).get(1).toString());
      assertEquals(ByteBuffer.wrap(new byte[] {1, 2}), rows.get(4).get(1));
      GenericRecord raw = assertInstanceOf(GenericRecord.class, rows.get(5).get(1));
      assertEquals("dev.porter.archive.RawText", raw.getSchema().getFullName());
      assertEquals(ByteBuffer.wrap(new byte[] {0x61, (byte) 0xff}), raw.get("bytes"));
    }
    try (DataFileStream<GenericRecord> in =
        new DataFileStream<>(
            new ByteArrayInputStream(members.get("data/0002-typed.avro")),
            new GenericDatumReader<>())) {
      long n = 0;
      for (GenericRecord r : in) {
        assertEquals("row " + n, r.get("t").toString());
        n++;
      }
      assertEquals(1000, n);
    }
  }

  @Test
  void trailerMatchesTheBytes() throws Exception {
    byte[] trailerJson = members.get("porter/trailer.json");
    JsonNode t = new ObjectMapper().readTree(trailerJson);
    String[] names = {"data/0001-mixed_values.avro", "data/0002-typed.avro"};
    long[] rows = {6, 1000};
    for (int i = 0; i < names.length; i++) {
      JsonNode s = t.get("tables").get(i);
      byte[] member = members.get(names[i]);
      assertEquals(names[i], s.get("member").asText());
      assertEquals(rows[i], s.get("rows").asLong());
      assertEquals(member.length, s.get("bytes").asLong());
      assertEquals(sha256(member), s.get("sha256").asText());
    }
    assertEquals(
        sha256(trailerJson) + "  trailer.json\n",
        new String(members.get("porter/trailer.sha256"), StandardCharsets.US_ASCII));
    // precedingSha256 covers every byte before trailer.json's tar header
    int before = 0;
    for (Map.Entry<String, byte[]> m : members.entrySet()) {
      if (m.getKey().equals("porter/trailer.json")) {
        break;
      }
      before += 512 + (m.getValue().length + 511) / 512 * 512;
    }
    byte[] prefix = java.util.Arrays.copyOf(archive, before);
    assertEquals(sha256(prefix), t.get("precedingSha256").asText());
  }

  @Test
  void fileWriterPublishesOnlyACompleteArchive() throws Exception {
    Path dir = Files.createTempDirectory(spool, "out");
    Path file = dir.resolve("a.porter");
    ArchiveHeader header =
        new ArchiveHeader(
            ArchiveHeader.FORMAT_NAME,
            1,
            "test",
            TestArchives.CREATED.toString(),
            null,
            new SourceInfo("sqlite", "3", "x.db"),
            List.of(new TableEntry(1, null, TYPED)),
            null);
    PorterArchive.WriteOptions options = PorterArchive.WriteOptions.defaults().withSpoolDir(spool);
    try (ArchiveWriter w = PorterArchive.write(file, options)) {
      ArchiveHeader written = w.begin(header);
      w.openTable(written.tables().get(0)).write(new Object[] {"x", new byte[0]});
      assertFalse(Files.exists(file), "nothing under the final name before finish()");
      // closed without finish(): an export that failed
    }
    assertEquals(List.of(), list(dir), "a failed export leaves no file at all");

    try (ArchiveWriter w = PorterArchive.write(file, options)) {
      ArchiveHeader written = w.begin(header);
      w.openTable(written.tables().get(0)).finish();
      w.finish();
    }
    assertEquals(List.of("a.porter"), list(dir));
    byte[] first = Files.readAllBytes(file);
    PorterException e =
        assertThrows(PorterException.class, () -> PorterArchive.write(file, options));
    assertEquals(ErrorCategory.REFUSED, e.category());
    assertArrayEquals(first, Files.readAllBytes(file), "an existing archive is not replaced");
  }

  private static List<String> list(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
