package dev.porter.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadAheadQueueTest {

  /** Starts a thread that puts {@code item}; the latch opens once the put returned. */
  private static Thread putter(ReadAheadQueue q, Object item, long bytes, CountDownLatch done) {
    Thread t =
        new Thread(
            () -> {
              try {
                q.put(item, bytes);
                done.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void itemsComeOutInTheOrderTheyWentIn() throws InterruptedException {
    ReadAheadQueue q = new ReadAheadQueue(2, 32, 1000);
    for (int i = 0; i < 20; i++) {
      q.put(i, 10);
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(q.take());
    }
    assertEquals(
        List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19), out);
  }

  @Test
  void shortItemsAreHeldUpToTheSlots() throws InterruptedException {
    ReadAheadQueue q = new ReadAheadQueue(2, 4, 1000);
    for (int i = 0; i < 4; i++) {
      q.put(i, 1);
    }
    CountDownLatch done = new CountDownLatch(1);
    putter(q, "fifth", 1, done);
    assertFalse(done.await(200, TimeUnit.MILLISECONDS), "a fifth item went into four slots");
    assertEquals(0, q.take());
    assertTrue(done.await(10, TimeUnit.SECONDS), "the fifth item waited after a slot was freed");
    assertEquals(4, q.size());
  }

  @Test
  void pastTheLeastItemsTheBytesAreBounded() throws InterruptedException {
    ReadAheadQueue q = new ReadAheadQueue(2, 32, 1000);
    q.put("a", 400);
    q.put("b", 400);
    q.put("c", 200); // 1000 bytes in all: the budget, not past it
    CountDownLatch done = new CountDownLatch(1);
    putter(q, "d", 1, done);
    assertFalse(done.await(200, TimeUnit.MILLISECONDS), "1001 bytes were held within 1000");
    assertEquals("a", q.take());
    assertTrue(done.await(10, TimeUnit.SECONDS), "room for 400 bytes did not let 1 byte in");
    assertEquals(List.of("b", "c", "d"), List.of(q.take(), q.take(), q.take()));
  }

  @Test
  void theLeastItemsGoInWhateverTheirSize() throws InterruptedException {
    ReadAheadQueue q = new ReadAheadQueue(2, 32, 1000);
    q.put("huge", Long.MAX_VALUE); // a failed batch of steps says it is as large as can be
    q.put("large", 5000);
    assertEquals(2, q.size());
    CountDownLatch done = new CountDownLatch(1);
    putter(q, "small", 1, done);
    assertFalse(done.await(200, TimeUnit.MILLISECONDS), "a third item went in past the budget");
    assertEquals("huge", q.take());
    assertTrue(done.await(10, TimeUnit.SECONDS), "one item held, and the next did not go in");
    assertEquals("large", q.take());
    assertEquals("small", q.take());
    // with nothing held, the budget is whole again: no size was lost in the sums
    for (int i = 0; i < 10; i++) {
      q.put(i, 100);
    }
    assertEquals(10, q.size());
  }

  @Test
  void clearingLetsAWaitingPutGoOn() throws InterruptedException {
    ReadAheadQueue q = new ReadAheadQueue(1, 1, 0);
    q.put("held", 0);
    CountDownLatch done = new CountDownLatch(1);
    putter(q, "next", 0, done);
    assertFalse(done.await(200, TimeUnit.MILLISECONDS), "a second item went into one slot");
    q.clear();
    assertTrue(done.await(10, TimeUnit.SECONDS), "a put still waited after the queue was cleared");
    assertEquals("next", q.take());
  }

  @Test
  void aTakeWaitsForAnItem() throws InterruptedException {
    ReadAheadQueue q = new ReadAheadQueue(2, 32, 1000);
    List<Object> got = new ArrayList<>();
    CountDownLatch taken = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                got.add(q.take());
                taken.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.setDaemon(true);
    t.start();
    assertFalse(taken.await(200, TimeUnit.MILLISECONDS), "a take returned from an empty queue");
    q.put("late", 10);
    assertTrue(taken.await(10, TimeUnit.SECONDS));
    t.join(10_000);
    assertEquals(List.of("late"), got);
  }

  @Test
  void impossibleBoundsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ReadAheadQueue(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new ReadAheadQueue(3, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> new ReadAheadQueue(1, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> new ReadAheadQueue(1, 8, Long.MAX_VALUE));
  }
}
