package dev.porter.core.engine;

import dev.porter.core.PorterException;
import dev.porter.core.io.IoErrors;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Rows written to a temporary file and read back once, in order: how an archive table whose
 * processing must wait (for a lookup that comes later in the archive) is held without memory. The
 * file is opened with {@code DELETE_ON_CLOSE}, which on Linux and macOS unlinks it at once, so a
 * killed import leaves none behind.
 */
final class RowSpill implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final DataOutputStream out;
  private long rows;

  RowSpill(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      file = Files.createTempFile(dir, "porter-deferred-", ".rows");
      channel =
          FileChannel.open(
              file,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.DELETE_ON_CLOSE);
      // flushed, never closed, before the replay: closing it would close the channel
      out =
          new DataOutputStream(
              new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot create a spill file for table "
              + name
              + " in "
              + dir
              + ": "
              + IoErrors.reason(e, dir),
          e);
    }
  }

  void add(Object[] row) {
    try {
      RowCodec.write(out, row);
      rows++;
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot write spill file " + file + ": " + IoErrors.reason(e, file), e);
    }
  }

  long rows() {
    return rows;
  }

  /** Streams the rows back, in the order they were added. */
  void replay(java.util.function.Consumer<Object[]> sink) {
    try {
      out.flush();
      DataInputStream in =
          new DataInputStream(
              new BufferedInputStream(Channels.newInputStream(channel.position(0)), 1 << 16));
      for (long i = 0; i < rows; i++) {
        sink.accept(RowCodec.read(in));
      }
    } catch (EOFException e) {
      throw PorterException.unavailable("spill file " + file + " ended early", e);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot read spill file " + file + ": " + IoErrors.reason(e, file), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // the file was unlinked when it was opened; closing only frees its space
    }
  }
}
