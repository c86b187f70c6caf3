package dev.porter.formats;

import dev.porter.core.PorterException;
import dev.porter.core.archive.ArchiveReader;
import dev.porter.core.archive.ArchiveWriter;
import dev.porter.core.io.IoErrors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;

/** Opens .porter archives for writing and reading. */
public final class PorterArchive {
  /** The suffix archives are named with. */
  public static final String SUFFIX = ".porter";

  private PorterArchive() {}

  /**
   * Options for writing.
   *
   * @param spoolDir where each table is encoded before it is appended
   * @param codec the Avro codec of the table files: "zstandard" (default), "deflate" (readable by
   *     DuckDB, whose Avro reader lacks zstandard) or "null"
   * @param level the codec's level
   * @param replaceExisting replace an existing archive of the same name
   * @param clock the clock of the creation time
   */
  public record WriteOptions(
      Path spoolDir, String codec, int level, boolean replaceExisting, Clock clock) {
    public static WriteOptions defaults() {
      return new WriteOptions(
          Path.of(System.getProperty("java.io.tmpdir")), "zstandard", 3, false, Clock.systemUTC());
    }

    public WriteOptions withReplaceExisting(boolean replace) {
      return new WriteOptions(spoolDir, codec, level, replace, clock);
    }

    public WriteOptions withSpoolDir(Path dir) {
      return new WriteOptions(dir, codec, level, replaceExisting, clock);
    }

    public WriteOptions withCodec(String name) {
      return switch (name) {
        case "zstandard", "zstd" ->
            new WriteOptions(spoolDir, "zstandard", 3, replaceExisting, clock);
        case "deflate" -> new WriteOptions(spoolDir, "deflate", 6, replaceExisting, clock);
        case "null", "none" -> new WriteOptions(spoolDir, "null", 0, replaceExisting, clock);
        default ->
            throw dev.porter.core.PorterException.usage(
                "unknown codec " + name + " (expected zstandard, deflate or null)");
      };
    }

    PorterArchiveWriter.Codec codecSpec() {
      return new PorterArchiveWriter.Codec(codec, level);
    }
  }

  /**
   * A writer to a file. It writes a hidden partial file beside {@code file} and renames it into
   * place only when the archive is complete.
   */
  public static ArchiveWriter write(Path file, WriteOptions options) {
    return PorterArchiveWriter.toFile(
        file, options.replaceExisting(), options.spoolDir(), options.codecSpec(), options.clock());
  }

  /** A writer to a stream (standard output). */
  public static ArchiveWriter write(OutputStream out, WriteOptions options) {
    return PorterArchiveWriter.toStream(
        out, options.spoolDir(), options.codecSpec(), options.clock());
  }

  /** Reads an archive file, checking every checksum. */
  public static ArchiveReader read(Path file) {
    return read(file, true);
  }

  /**
   * Reads an archive file. With {@code verify} false, checksums are not computed (for a quick look
   * at the manifest); sizes and structure are still checked.
   */
  public static ArchiveReader read(Path file, boolean verify) {
    try {
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      return new PorterArchiveReader(in, file.toString(), verify);
    } catch (NoSuchFileException e) {
      throw PorterException.usage("no such archive: " + file);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot read archive " + file + ": " + IoErrors.reason(e, file), e);
    }
  }

  /** Reads an archive from a stream (standard input), checking every checksum. */
  public static ArchiveReader read(InputStream in, String name) {
    return new PorterArchiveReader(new BufferedInputStream(in, 1 << 16), name, true);
  }

  /** Names a table's data member (exposed for the format tests and documentation). */
  public static String memberName(int ordinal, String table) {
    return PorterArchiveWriter.memberName(ordinal, table);
  }
}
