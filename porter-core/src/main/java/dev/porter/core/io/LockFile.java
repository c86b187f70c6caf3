package dev.porter.core.io;

import dev.porter.core.ErrorCategory;
import dev.porter.core.PorterException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An exclusive OS lock on a file beside a database, so that two porters never work on the same
 * database. The operating system releases it when the process dies, so a killed porter never leaves
 * a stale lock. The file itself stays (deleting a lock file races with the next locker).
 */
public final class LockFile implements dev.porter.core.dialect.DbLock {
  private final FileChannel channel;
  private final FileLock lock;

  private LockFile(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or fails at once with LOCKED, naming who holds it. */
  public static LockFile acquire(Path lockPath, String database) {
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              lockPath,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw PorterException.unavailable(
          "cannot create lock file " + lockPath + ": " + IoErrors.reason(e, lockPath), e);
    }
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    } catch (IOException e) {
      closeQuietly(ch);
      throw PorterException.unavailable(
          "cannot lock " + lockPath + ": " + IoErrors.reason(e, lockPath), e);
    }
    if (l == null) {
      String holder = holder(lockPath);
      closeQuietly(ch);
      throw new PorterException(
          ErrorCategory.LOCKED,
          "database "
              + database
              + " is in use by another porter"
              + holder
              + "; try again when it has finished");
    }
    try {
      String info = "pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n";
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(info.getBytes(StandardCharsets.UTF_8)), 0);
    } catch (IOException e) {
      // the lock holds even if its note cannot be written
    }
    return new LockFile(ch, l);
  }

  private static String holder(Path lockPath) {
    try {
      String s = Files.readString(lockPath, StandardCharsets.UTF_8).trim();
      return s.isEmpty() ? "" : " (" + s + ")";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing to keep
    }
  }
}
