package dev.porter.core.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only descriptors of SQLite database files: one per file for the life of the process, never
 * closed (docs/decisions/0030).
 *
 * <p>On POSIX systems a lock taken with {@code fcntl} belongs to the process and the file, not to
 * the descriptor: closing <em>any</em> descriptor of the file releases every such lock the process
 * holds on it (sqlite.org/howtocorrupt.html, §2.2). SQLite's connections hold theirs that way: the
 * shared lock of an export's read transaction, the write lock an import holds on the database it is
 * about to replace. SQLite itself never closes a descriptor while another of its connections holds
 * a lock on the file, but a descriptor that porter opened and closed beside them would drop those
 * locks without a word, and another process could then commit into a file porter is about to
 * replace. So every read of a SQLite file's bytes goes through the descriptor kept here.
 *
 * <p>The descriptors are found by the file's identity (device and inode). Since none is ever
 * closed, the file it reads is never freed while the process runs, so its inode number cannot be
 * given to another file: an identity found in the map names the same file as the descriptor.
 *
 * <p>The cost: one descriptor per database file read, until the process exits, which also keeps the
 * disk space of a file that was since replaced (a pre-image keeps it anyway). Where the platform
 * gives files no identity, nothing is kept and callers read as before: there locks belong to a
 * handle, not to the process.
 */
final class SqliteFileReads {
  /** A read-only channel on one file, named by its identity; never closed. */
  record Handle(Object identity, FileChannel channel) {}

  private static final Map<Object, FileChannel> OPEN = new HashMap<>();

  /** Channels whose file changed while they were opened: which file they read is not known. */
  private static final List<FileChannel> STRAY = new ArrayList<>();

  private SqliteFileReads() {}

  /** The file's identity (device and inode), or null where the platform gives none. */
  static Object identity(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  /**
   * The handle on the file the path names now, opened at the first call for that file; null where
   * the platform gives files no identity, or when the path was given another file while this was
   * opening it.
   */
  static synchronized Handle of(Path file) throws IOException {
    Object before = identity(file);
    if (before == null) {
      return null;
    }
    FileChannel known = OPEN.get(before);
    if (known != null) {
      return new Handle(before, known);
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    Object after = identity(file);
    if (!before.equals(after)) {
      STRAY.add(ch); // either file's locks would go with it: kept, unused
      return null;
    }
    OPEN.put(before, ch);
    return new Handle(before, ch);
  }

  /**
   * Copies the file to {@code to} (which must not exist) through porter's one descriptor of it,
   * with its permissions and modification time.
   */
  static void copy(Path file, Path to) throws IOException {
    Handle h = of(file);
    if (h == null) {
      Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
      return;
    }
    try (FileChannel out =
        FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = h.channel().size();
      long done = 0;
      while (done < size) {
        long n = h.channel().transferTo(done, size - done, out);
        if (n <= 0) {
          throw new IOException("cannot copy " + file + " to " + to + ": it ends at " + done);
        }
        done += n;
      }
    }
    try {
      Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(file));
    } catch (UnsupportedOperationException e) {
      // no POSIX permissions to carry
    }
    Files.setLastModifiedTime(to, Files.getLastModifiedTime(file));
  }

  /** The first {@code n} bytes of the file (fewer if it is shorter), read without a new handle. */
  static byte[] head(Path file, int n) throws IOException {
    Handle h = of(file);
    if (h == null) {
      try (var in = Files.newInputStream(file)) {
        return in.readNBytes(n);
      }
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    SqlitePages.readFully(h.channel(), b, 0);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }
}
