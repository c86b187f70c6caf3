package dev.porter.formats;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads that compress table blocks while the next block is encoded. */
final class Compressors {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Compressors() {}

  /** One pool per archive writer: as many threads as cores beyond the encoding one (at least 1). */
  static ExecutorService pool() {
    int n = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    return Executors.newFixedThreadPool(
        n,
        r -> {
          Thread t = new Thread(r, "porter-compress-" + SEQ.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
