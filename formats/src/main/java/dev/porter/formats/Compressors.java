package dev.porter.formats;

import com.github.luben.zstd.ZstdCompressCtx;
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
   * benchmark's memory bound instead (322–336 MB; docs/benchmark-history.md).
   */
  static ExecutorService pool() {
    int n = Math.max(1, Runtime.getRuntime().availableProcessors());
    return Executors.newFixedThreadPool(
        n,
        r -> {
          Thread t =
              new Thread(
                  () -> {
                    try {
                      r.run();
                    } finally {
                      freeZstd();
                    }
                  },
                  "porter-compress-" + SEQ.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** zstd's hash and chain tables at level 3: 2^15 entries each (ADR 0040). */
  static final int ZSTD_TABLES_LOG = 15;

  /** A compressing thread's zstd context, and the level it is set for. */
  private record Context(ZstdCompressCtx ctx, int level) {}

  private static final ThreadLocal<Context> ZSTD = new ThreadLocal<>();

  /**
   * The calling thread's zstd context, set for {@code level}: made at its first block, used for
   * every block after it, and freed when the thread ends ({@link #pool}'s threads free it
   * themselves). Level 3, the one porter writes, has its hash and chain tables at 2^15 entries,
   * where zstd's own level 3 has 2^17 and 2^16 for a 512 KiB block: they then fit in a core's L2
   * cache, for about a quarter less compressing time and archives about 2 % larger (ADR 0040). Any
   * zstd decoder reads the frames as before: these tables are the encoder's alone. Called on the
   * pool's threads only: another thread's context would live as long as that thread.
   */
  static ZstdCompressCtx zstd(int level) {
    Context c = ZSTD.get();
    if (c != null && c.level() == level) {
      return c.ctx();
    }
    freeZstd(); // set for another level: made again rather than reset
    ZstdCompressCtx ctx = new ZstdCompressCtx();
    ZSTD.set(new Context(ctx, level));
    ctx.setLevel(level);
    ctx.setChecksum(false);
    ctx.setContentSize(true);
    if (level == 3) {
      ctx.setHashLog(ZSTD_TABLES_LOG);
      ctx.setChainLog(ZSTD_TABLES_LOG);
    }
    return ctx;
  }

  /** Frees the calling thread's zstd context, if it has one. */
  static void freeZstd() {
    Context c = ZSTD.get();
    if (c != null) {
      ZSTD.remove();
      c.ctx().close();
    }
  }
}
