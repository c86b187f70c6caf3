package dev.porter.formats;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads that compress table blocks while the next block is encoded. */
final class Compressors {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Compressors() {}

  /**
   * One pool per archive writer: as many threads as cores beyond the encoding one (at least 1). A
   * thread per core made a scale-10 SQLite export faster on two cores (6.3–6.8 → 5.5–6.1 s), but
   * its faster encoders grew the parallel collector's heap: with {@code -Xmx256m} its peak RSS went
   * from 262–275 to 322–336 MB, past the benchmark's bound of 20 % over scale 1.
   */
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
