package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.core.archive.ArchiveWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which partial files a new writer removes (ADR 0032). Across processes, {@code StoppedExportTest}
 * shows a killed export's partial removed and a running one's kept.
 */
class PartialFilesTest {
  @TempDir Path dir;
  @TempDir Path spool;

  private static Path aged(Path file) throws Exception {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(120)));
    return file;
  }

  private List<String> partials() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")).toList();
    }
  }

  @Test
  void aNewWriterRemovesOnlyOldUnlockedPartialsOfItsOwnName() throws Exception {
    Path dead = aged(Files.write(dir.resolve(".app.porter.123.partial"), new byte[100]));
    Path young = Files.write(dir.resolve(".app.porter.456.partial"), new byte[100]);
    Path otherName = aged(Files.write(dir.resolve(".other.porter.789.partial"), new byte[100]));
    Path notPorters = aged(Files.write(dir.resolve(".app.porter.x1.partial"), new byte[100]));
    PorterArchive.WriteOptions options = PorterArchive.WriteOptions.defaults();
    options =
        new PorterArchive.WriteOptions(
            spool, options.codec(), options.level(), false, options.clock());
    List<String> others =
        Stream.of(young, otherName, notPorters).map(p -> p.getFileName().toString()).toList();
    ArchiveWriter first = PorterArchive.write(dir.resolve("app.porter"), options);
    try {
      assertFalse(Files.exists(dead), "an old partial nobody holds is a dead export's");
      assertTrue(Files.exists(young), "a partial younger than a minute is left");
      assertTrue(Files.exists(otherName));
      assertTrue(Files.exists(notPorters), "only names porter gives its partials are touched");
      List<String> mine = partials().stream().filter(n -> !others.contains(n)).toList();
      assertEquals(1, mine.size(), mine::toString);
      Path firstPartial = aged(dir.resolve(mine.get(0)));
      // a second writer to the same name in this JVM never opens the first one's partial
      ArchiveWriter second = PorterArchive.write(dir.resolve("app.porter"), options);
      second.close();
      assertTrue(Files.exists(firstPartial), "the partial of a live writer stays");
    } finally {
      first.close();
    }
    // both closed unfinished: their partials are gone, the others as they were
    assertEquals(others.stream().sorted().toList(), partials().stream().sorted().toList());
  }
}
