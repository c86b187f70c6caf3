package dev.porter.formats;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The partial files archives are written to ({@code .NAME.<random>.partial}, ADR 0032). Each is
 * held under an OS lock while its writer lives; the operating system drops the lock when the
 * process dies. So the next export to the same name can remove the partials that a SIGKILL, a crash
 * or a power cut left, and never one that is still being written.
 */
final class PartialFiles {
  /**
   * The partials this JVM is writing. The sweep never opens them: closing a second channel on a
   * file releases this process's POSIX locks on it, the writer's too.
   */
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  /**
   * Younger partials are left alone: a writer locks its partial right after creating it, and this
   * covers that instant, and file systems whose clocks differ a little from this machine's.
   */
  static final Duration MIN_AGE = Duration.ofMinutes(1);

  private PartialFiles() {}

  /** Opens a new partial file for writing, locked. Without locks there, it is only opened. */
  static FileChannel openLocked(Path partial) throws IOException {
    LIVE.add(partial);
    FileChannel channel;
    try {
      channel = FileChannel.open(partial, StandardOpenOption.WRITE);
    } catch (IOException e) {
      LIVE.remove(partial);
      throw e;
    }
    try {
      channel.tryLock(); // a new file: nobody else can hold it
    } catch (IOException | OverlappingFileLockException | UnsupportedOperationException e) {
      // a file system without locks: another export cannot take one either, so it leaves this be
    }
    return channel;
  }

  /** The writer of {@code partial} is done with it (published, deleted, or given up). */
  static void released(Path partial) {
    LIVE.remove(partial);
  }

  /**
   * Removes the partial files of {@code name} in {@code dir} whose writers are gone: older than
   * {@link #MIN_AGE}, not written by this JVM, and lockable. Anything in doubt is left.
   */
  static void removeDead(Path dir, String name) {
    Pattern partial =
        Pattern.compile(Pattern.quote("." + name + ".") + "\\d+" + Pattern.quote(".partial"));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (partial.matcher(f.getFileName().toString()).matches() && !LIVE.contains(f)) {
          removeIfDead(f);
        }
      }
    } catch (IOException | DirectoryIteratorException e) {
      // best effort: a partial left behind is never mistaken for an archive
    }
  }

  private static void removeIfDead(Path f) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()
          || a.lastModifiedTime().toInstant().isAfter(Instant.now().minus(MIN_AGE))) {
        return;
      }
      try (FileChannel channel =
          FileChannel.open(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          Files.delete(f); // its writer is gone; the lock goes with the channel
        }
      }
    } catch (IOException | OverlappingFileLockException | UnsupportedOperationException e) {
      // in use, or not ours to judge: left as it is
    }
  }
}
