package io.p2pkit.core.muxer.scheduling;

import io.p2pkit.core.muxer.StreamPriority;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-off of the turn between threads. The test holds the turn while writers queue, so the
 * queue's content at each release, and with it the order, is fixed.
 */
class SendSchedulerTest {
    private final SendScheduler scheduler = new SendScheduler();
    private final List<String> order = Collections.synchronizedList(new ArrayList<>());

    /** Starts a writer that takes the turn for {@code bytes}, records {@code name} and gives it back. */
    private Thread writer(String name, SendScheduler.Flow flow, int bytes, AtomicReference<Boolean> granted) {
        return Thread.ofVirtual().start(() -> {
            boolean got = scheduler.acquire(flow, bytes);
            granted.set(got);
            if (got) {
                order.add(name);
                scheduler.release();
            }
        });
    }

    private Thread queued(String name, StreamPriority priority, int bytes) {
        int before = scheduler.waiting();
        Thread t = writer(name, new SendScheduler.Flow(priority), bytes, new AtomicReference<>());
        Await.until(name + " queued", () -> scheduler.waiting() == before + 1);
        return t;
    }

    @Test
    void uncontendedTurnIsTakenAndGivenBack() {
        SendScheduler.Flow flow = new SendScheduler.Flow();
        assertTrue(scheduler.acquire(flow, 100));
        assertTrue(scheduler.busy());
        assertFalse(scheduler.tryAcquire());
        scheduler.release();
        assertFalse(scheduler.busy());
        assertTrue(scheduler.tryAcquire());
        scheduler.release();
        assertEquals(0, scheduler.waiting());
    }

    @Test
    void waitingWritesGoByPriority() throws InterruptedException {
        assertTrue(scheduler.tryAcquire());
        List<Thread> threads = List.of(
                queued("low", StreamPriority.LOW, 65536),
                queued("normal", StreamPriority.NORMAL, 65536),
                queued("high", StreamPriority.HIGH, 65536));
        scheduler.release();
        for (Thread t : threads) {
            Await.join(t);
        }
        assertEquals(List.of("high", "normal", "low"), order);
        assertFalse(scheduler.busy());
    }

    @Test
    void controlFramesGoBeforeEveryDataWrite() throws InterruptedException {
        assertTrue(scheduler.tryAcquire());
        Thread high = queued("high", StreamPriority.weight(StreamPriority.MAX_WEIGHT), 1);
        Thread flusher = Thread.ofVirtual().start(() -> {
            scheduler.acquireControl();
            order.add("control");
            scheduler.release();
        });
        Await.until("the flusher waits", scheduler::controlWaiting);
        scheduler.release();
        Await.join(flusher);
        Await.join(high);
        assertEquals(List.of("control", "high"), order);
    }

    @Test
    void priorityChangeMovesAQueuedWrite() throws InterruptedException {
        assertTrue(scheduler.tryAcquire());
        SendScheduler.Flow bulk = new SendScheduler.Flow(StreamPriority.LOW);
        Thread b = writer("bulk", bulk, 65536, new AtomicReference<>());
        Await.until("bulk queued", () -> scheduler.waiting() == 1);
        Thread n = queued("normal", StreamPriority.NORMAL, 65536);
        scheduler.setPriority(bulk, StreamPriority.HIGH);
        assertEquals(StreamPriority.HIGH, bulk.priority());
        scheduler.release();
        Await.join(b);
        Await.join(n);
        assertEquals(List.of("bulk", "normal"), order);
    }

    @Test
    void cancelledStreamLeavesTheQueueAndFailsItsWrite() throws InterruptedException {
        assertTrue(scheduler.tryAcquire());
        SendScheduler.Flow dead = new SendScheduler.Flow();
        AtomicReference<Boolean> granted = new AtomicReference<>();
        Thread d = writer("dead", dead, 65536, granted);
        Await.until("queued", () -> scheduler.waiting() == 1);
        scheduler.cancel(dead);
        Await.join(d);
        assertEquals(Boolean.FALSE, granted.get());
        assertEquals(0, scheduler.waiting());
        scheduler.release();
        assertFalse(scheduler.busy(), "the turn is free again: nothing of the cancelled stream is left");
        assertFalse(scheduler.acquire(dead, 1), "a cancelled stream gets no later turn either");
        assertTrue(order.isEmpty());
    }

    @Test
    void anInterruptedWriterKeepsWaitingAndKeepsTheFlag() throws InterruptedException {
        assertTrue(scheduler.tryAcquire());
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        SendScheduler.Flow flow = new SendScheduler.Flow();
        Thread t = Thread.ofVirtual().start(() -> {
            assertTrue(scheduler.acquire(flow, 10));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            scheduler.release();
        });
        Await.until("queued", () -> scheduler.waiting() == 1);
        t.interrupt();
        Await.until("the interrupt was seen", () -> t.getState() == Thread.State.WAITING && !t.isInterrupted());
        assertEquals(1, scheduler.waiting(), "still in the queue");
        scheduler.release();
        Await.join(t);
        assertEquals(Boolean.TRUE, interruptedAfter.get());
    }

    @Test
    void manyWritersAllGetTheirTurn() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        StreamPriority[] levels = {StreamPriority.LOW, StreamPriority.NORMAL, StreamPriority.HIGH};
        for (int i = 0; i < 30; i++) {
            SendScheduler.Flow flow = new SendScheduler.Flow(levels[i % 3]);
            int id = i;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int k = 0; k < 50; k++) {
                    assertTrue(scheduler.acquire(flow, 1000 + id));
                    order.add("w" + id);
                    scheduler.release();
                }
            }));
        }
        for (Thread t : threads) {
            Await.join(t);
        }
        assertEquals(30 * 50, order.size());
        assertFalse(scheduler.busy());
        assertEquals(0, scheduler.waiting());
    }
}
