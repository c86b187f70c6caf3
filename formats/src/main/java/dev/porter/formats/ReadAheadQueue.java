package dev.porter.formats;

import java.util.ArrayDeque;

/**
 * What a table's decoding thread has made and its reader has not taken yet, in order. It holds
 * {@code least} items whatever their size, and more, up to {@code slots}, while all it holds adds
 * up to at most {@code budget} bytes. Large batches are held two at a time, as before; batches of
 * short rows, which the loader writes in a fraction of a millisecond each, several at a time, so
 * that the decoding thread goes on through the loader's short bursts of other work
 * (docs/decisions/0042-read-ahead-bounded-by-bytes.md).
 */
final class ReadAheadQueue {
  private final int least;
  private final int slots;
  private final long budget;
  private final ArrayDeque<Held> items = new ArrayDeque<>();
  private long held;

  /** An item and the size it was counted at. */
  private record Held(Object item, long size) {}

  ReadAheadQueue(int least, int slots, long budget) {
    if (least < 1 || slots < least || budget < 0 || budget > Long.MAX_VALUE / (slots + 1L) - 1) {
      throw new IllegalArgumentException(
          "least " + least + ", slots " + slots + ", budget " + budget);
    }
    this.least = least;
    this.slots = slots;
    this.budget = budget;
  }

  /** Adds {@code item}, of about {@code bytes} bytes, once there is room for it. */
  synchronized void put(Object item, long bytes) throws InterruptedException {
    // a size past the budget counts as just past it, so that the sum cannot overflow
    long size = Math.min(Math.max(bytes, 0), budget + 1);
    while (!fits(size)) {
      wait();
    }
    items.add(new Held(item, size));
    held += size;
    notifyAll();
  }

  private boolean fits(long size) {
    if (items.size() < least) {
      return true;
    }
    return items.size() < slots && held + size <= budget;
  }

  /** The oldest item, once there is one. */
  synchronized Object take() throws InterruptedException {
    while (items.isEmpty()) {
      wait();
    }
    Held h = items.remove();
    held -= h.size();
    notifyAll();
    return h.item();
  }

  /** Drops every item; a thread waiting for room goes on. */
  synchronized void clear() {
    items.clear();
    held = 0;
    notifyAll();
  }

  /** The items held now (for tests). */
  synchronized int size() {
    return items.size();
  }
}
