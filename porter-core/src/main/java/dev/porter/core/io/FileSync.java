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

  /** A sync, or another write to disk, that may fail. */
  @FunctionalInterface
  public interface Sync {
    void run() throws IOException;
  }

  /**
   * A sync started on a thread of its own while the caller goes on writing or checking, so that a
   * later sync of the same bytes, which still runs and decides, finds little left to write. Its own
   * failure is dropped: that later sync meets it again and reports it.
   */
  public static final class Early {
    private final Thread thread;

    private Early(Thread thread) {
      this.thread = thread;
    }

    /** Starts {@code sync} on a daemon thread named {@code name}. */
    public static Early start(String name, Sync sync) {
      Thread t =
          new Thread(
              () -> {
                try {
                  sync.run();
                } catch (IOException e) {
                  // the sync that decides reports it
                }
              },
              name);
      t.setDaemon(true);
      t.start();
      return new Early(t);
    }

    /** Whether it is still running. */
    public boolean running() {
      return thread.isAlive();
    }

    /** Waits for it to end; an interrupt is kept for the caller. */
    public void await() {
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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
