package dev.porter.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Durability helpers: sync a file's bytes, and sync a directory so that a rename in it lasts. */
public final class FileSync {
  private FileSync() {}

  public static void file(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Syncs a directory; a no-op on platforms that cannot open a directory for syncing. */
  public static void directory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // the rename itself is still atomic; only its durability across a power cut is weaker
    }
  }
}
