package dev.porter.core.engine;

import dev.porter.core.PorterException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rows written to a temporary file and read back once, in order: how an archive table whose
 * processing must wait (for a lookup that comes later in the archive) is held without memory.
 */
final class RowSpill implements AutoCloseable {
  private final Path file;
  private DataOutputStream out;
  private long rows;

  RowSpill(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      file = Files.createTempFile(dir, "porter-deferred-", ".rows");
      out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot create a spill file for table " + name + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  void add(Object[] row) {
    try {
      RowCodec.write(out, row);
      rows++;
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot write spill file " + file + ": " + e.getMessage(), e);
    }
  }

  long rows() {
    return rows;
  }

  /** Streams the rows back, in the order they were added. */
  void replay(java.util.function.Consumer<Object[]> sink) {
    try {
      out.close();
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        for (long i = 0; i < rows; i++) {
          sink.accept(RowCodec.read(in));
        }
      }
    } catch (EOFException e) {
      throw PorterException.unavailable("spill file " + file + " ended early", e);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot read spill file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover temp file is harmless
    }
  }
}
