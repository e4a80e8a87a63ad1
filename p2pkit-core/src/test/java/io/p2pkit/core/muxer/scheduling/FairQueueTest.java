package io.p2pkit.core.muxer.scheduling;

import io.p2pkit.core.muxer.StreamPriority;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of {@link FairQueue}, driven step by step: no threads, so every assertion is exact. */
class FairQueueTest {
    private static final int BATCH = 256 * 1024;

    private final FairQueue queue = new FairQueue();

    private FairQueue.Waiter add(SendScheduler.Flow flow, long bytes) {
        FairQueue.Waiter w = new FairQueue.Waiter(flow, Thread.currentThread(), bytes);
        queue.add(w);
        return w;
    }

    /**
     * Serves {@code grants} writes of streams that always have another {@code BATCH} queued (each
     * served stream queues its next write at once, like a writer looping), and returns the order.
     */
    private List<SendScheduler.Flow> runBacklogged(int grants, SendScheduler.Flow... flows) {
        for (SendScheduler.Flow f : flows) {
            add(f, BATCH);
        }
        List<SendScheduler.Flow> order = new ArrayList<>();
        for (int i = 0; i < grants; i++) {
            FairQueue.Waiter w = queue.next();
            order.add(w.flow);
            add(w.flow, BATCH);
        }
        return order;
    }

    @Test
    void weightsShareTheBytesInProportion() {
        SendScheduler.Flow low = new SendScheduler.Flow(StreamPriority.LOW);
        SendScheduler.Flow normal = new SendScheduler.Flow(StreamPriority.NORMAL);
        SendScheduler.Flow high = new SendScheduler.Flow(StreamPriority.HIGH);
        SendScheduler.Flow seven = new SendScheduler.Flow(StreamPriority.weight(7));
        // weights 4 + 16 + 64 + 7 = 91: 9,100 grants give each stream 100 per unit of weight
        List<SendScheduler.Flow> order = runBacklogged(9100, low, normal, high, seven);
        Map<SendScheduler.Flow, Integer> counts = new HashMap<>();
        order.forEach(f -> counts.merge(f, 1, Integer::sum));
        assertShare(400, counts.get(low));
        assertShare(1600, counts.get(normal));
        assertShare(6400, counts.get(high));
        assertShare(700, counts.get(seven));
    }

    private static void assertShare(int expected, int actual) {
        // one batch either way: where the count stops inside the last round
        assertTrue(Math.abs(expected - actual) <= 1, "expected " + expected + " grants, got " + actual);
    }

    @Test
    void lowPriorityIsNotStarved() {
        SendScheduler.Flow low = new SendScheduler.Flow(StreamPriority.LOW);
        SendScheduler.Flow high1 = new SendScheduler.Flow(StreamPriority.HIGH);
        SendScheduler.Flow high2 = new SendScheduler.Flow(StreamPriority.HIGH);
        List<SendScheduler.Flow> order = runBacklogged(2000, high1, high2, low);
        // weight 4 against 2 × 64: at least one grant in every 2 × 64/4 + 1 = 33
        int sinceLow = 0;
        int lows = 0;
        for (SendScheduler.Flow f : order) {
            if (f == low) {
                lows++;
                sinceLow = 0;
            } else {
                sinceLow++;
                assertTrue(sinceLow <= 33, "low priority waited " + sinceLow + " grants");
            }
        }
        assertTrue(lows >= 2000 / 33, "low priority served " + lows + " times");
    }

    @Test
    void smallHighPriorityWriteOvertakesQueuedBulk() {
        List<SendScheduler.Flow> bulk = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SendScheduler.Flow f = new SendScheduler.Flow(StreamPriority.LOW);
            bulk.add(f);
        }
        // the bulk streams have been writing for a while
        runBacklogged(100, bulk.toArray(SendScheduler.Flow[]::new));
        SendScheduler.Flow request = new SendScheduler.Flow(StreamPriority.HIGH);
        FairQueue.Waiter w = add(request, 200);
        assertSame(w, queue.next(), "the request goes next");
    }

    @Test
    void weightDecidesWhetherABulkSizedWriteWaits() {
        List<SendScheduler.Flow> bulk = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            bulk.add(new SendScheduler.Flow(StreamPriority.LOW));
        }
        runBacklogged(100, bulk.toArray(SendScheduler.Flow[]::new));
        FairQueue.Waiter light = add(new SendScheduler.Flow(StreamPriority.LOW), BATCH);
        int before = 0;
        while (queue.next() != light) {
            before++;
        }
        assertTrue(before > 0, "a LOW write as large as the bulk ones waits for its round");
        // the bulk streams have their writes queued again: they were all served or still wait
        for (SendScheduler.Flow f : bulk) {
            if (queue.remove(f).isEmpty()) {
                continue;
            }
            add(f, BATCH);
        }
        FairQueue.Waiter heavy = add(new SendScheduler.Flow(StreamPriority.HIGH), BATCH);
        assertSame(heavy, queue.next(), "the same write of a HIGH stream goes first");
    }

    @Test
    void equalWeightsAlternate() {
        SendScheduler.Flow a = new SendScheduler.Flow();
        SendScheduler.Flow b = new SendScheduler.Flow();
        List<SendScheduler.Flow> order = runBacklogged(100, a, b);
        for (int i = 1; i < order.size(); i++) {
            assertTrue(order.get(i) != order.get(i - 1), "same stream twice in a row at grant " + i);
        }
    }

    @Test
    void priorityChangeWhileQueuedReordersTheWrite() {
        SendScheduler.Flow a = new SendScheduler.Flow(StreamPriority.LOW);
        SendScheduler.Flow b = new SendScheduler.Flow(StreamPriority.NORMAL);
        FairQueue.Waiter wa = add(a, BATCH);
        FairQueue.Waiter wb = add(b, BATCH);
        a.weight = StreamPriority.HIGH.weight();
        queue.reweigh(a);
        assertSame(wa, queue.next());
        assertSame(wb, queue.next());
        assertNull(queue.next());

        // and back down: a write that was first falls behind
        FairQueue.Waiter wa2 = add(a, BATCH);
        FairQueue.Waiter wb2 = add(b, BATCH);
        a.weight = StreamPriority.LOW.weight();
        queue.reweigh(a);
        assertSame(wb2, queue.next());
        assertSame(wa2, queue.next());
    }

    @Test
    void anIdleStreamBanksNoCredit() {
        SendScheduler.Flow a = new SendScheduler.Flow();
        SendScheduler.Flow b = new SendScheduler.Flow();
        add(a, BATCH);
        assertSame(a, queue.next().flow);
        runBacklogged(50, b); // a is idle meanwhile
        // a comes back: it shares from now on, one write each, instead of catching up 50 writes
        add(a, BATCH);
        List<SendScheduler.Flow> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            FairQueue.Waiter w = queue.next();
            order.add(w.flow);
            add(w.flow, BATCH);
        }
        assertEquals(3, order.stream().filter(f -> f == a).count(), "order " + order);
    }

    @Test
    void removingAStreamLeavesNothingBehind() {
        SendScheduler.Flow a = new SendScheduler.Flow();
        SendScheduler.Flow b = new SendScheduler.Flow();
        add(a, BATCH);
        add(b, BATCH);
        add(a, 10); // mplex may queue two writes of one stream
        assertEquals(2, queue.remove(a).size());
        assertEquals(1, queue.size());
        assertSame(b, queue.next().flow);
        assertTrue(queue.isEmpty());
        assertNull(queue.next());
    }

    @Test
    void writesOfOneStreamKeepTheirOrder() {
        SendScheduler.Flow a = new SendScheduler.Flow(StreamPriority.HIGH);
        FairQueue.Waiter big = add(a, BATCH);
        FairQueue.Waiter small = add(a, 1);
        assertSame(big, queue.next());
        assertSame(small, queue.next());
    }
}
