package dev.porter.formats;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads that compress table blocks while the next block is encoded. */
final class Compressors {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Compressors() {}

  /**
   * One pool per archive writer, a thread per core. An export encodes on up to two threads (two
   * tables at once); with one compressing thread fewer than the cores, the compressor fell behind
   * both encoders on two cores (a scale-10 SQLite export with {@code -Xmx256m}, three alternating
   * pairs: 6.30–7.10 s against 5.54–6.29 s with two, peak RSS 202–205 against 213–227 MB). Before
   * the writer used its block buffers again, the faster encoders grew the collector's heap past the
   * benchmark's memory bound instead (322–336 MB; docs/benchmarks.md).
   */
  static ExecutorService pool() {
    int n = Math.max(1, Runtime.getRuntime().availableProcessors());
    return Executors.newFixedThreadPool(
        n,
        r -> {
          Thread t = new Thread(r, "porter-compress-" + SEQ.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
