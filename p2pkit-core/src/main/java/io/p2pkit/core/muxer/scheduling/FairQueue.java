package io.p2pkit.core.muxer.scheduling;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which waiting writers get the connection: weighted fair queueing. Each write gets
 * a virtual start, the later of its stream's previous finish and the virtual clock, and a finish,
 * its start plus its bytes divided by its stream's weight; the smallest finish goes first. The
 * clock follows the fluid model: serving {@code n} bytes moves it by {@code n} divided by the
 * weights of all streams waiting then, and never leaves it behind the earliest waiting start.
 *
 * <p>What follows: streams that keep writes waiting share the bytes in proportion to their
 * weights; a stream cannot bank credit while idle; and a write that is small for its stream's
 * weight finishes early, so a small write of a heavy stream goes ahead of the queued bulk writes
 * of light ones instead of waiting for their round. No stream starves: the clock moves with
 * every grant, and once it passes a waiting write's finish every newcomer finishes later.
 *
 * <p>Not thread-safe: {@link SendScheduler} guards it. Few writers wait at once (one per stream
 * with data and credit), so a list scanned for the minimum beats a heap, which could not change
 * a waiting write's weight anyway.
 */
final class FairQueue {
    /** Virtual units per byte at weight 1; at the largest weight a byte costs one unit. */
    static final long SCALE = 256;

    private final ArrayList<Waiter> waiting = new ArrayList<>();
    private long virtualTime;
    private long arrivals;

    /** One write waiting for the connection. */
    static final class Waiter {
        final SendScheduler.Flow flow;
        final Thread thread;
        final long bytes;
        long start;
        long tag;
        long seq;
        /** WAITING, then GRANTED or CANCELLED; written under the scheduler's lock, read by the waiter. */
        volatile int state;

        static final int WAITING = 0;
        static final int GRANTED = 1;
        static final int CANCELLED = 2;

        Waiter(SendScheduler.Flow flow, Thread thread, long bytes) {
            this.flow = flow;
            this.thread = thread;
            this.bytes = bytes;
        }
    }

    static long cost(long bytes, int weight) {
        return Math.max(1, bytes * SCALE / weight);
    }

    /** Queues {@code w}, giving it its tag; a second write of the same stream queues behind the first. */
    void add(Waiter w) {
        w.start = Math.max(w.flow.finish, virtualTime);
        w.tag = w.start + cost(w.bytes, w.flow.weight);
        w.seq = arrivals++;
        w.flow.finish = w.tag;
        waiting.add(w);
    }

    /** Removes and returns the write to serve next, or null; the virtual clock advances. */
    Waiter next() {
        int best = -1;
        long weights = 0;
        for (int i = 0; i < waiting.size(); i++) {
            Waiter w = waiting.get(i);
            weights += w.flow.weight;
            if (best < 0 || w.tag < waiting.get(best).tag
                    || (w.tag == waiting.get(best).tag && w.seq < waiting.get(best).seq)) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        Waiter w = removeAt(best);
        // As in the fluid model: while these bytes go out, every waiting stream progresses by its
        // weight's share; but the clock never trails the earliest start still waiting.
        virtualTime += cost(w.bytes, (int) Math.min(Integer.MAX_VALUE, weights));
        long earliest = Long.MAX_VALUE;
        for (Waiter other : waiting) {
            earliest = Math.min(earliest, other.start);
        }
        if (earliest != Long.MAX_VALUE && earliest > virtualTime) {
            virtualTime = earliest;
        }
        return w;
    }

    /** Removes and returns the writes of {@code flow} that wait here. */
    List<Waiter> remove(SendScheduler.Flow flow) {
        List<Waiter> removed = new ArrayList<>(1);
        for (int i = waiting.size() - 1; i >= 0; i--) {
            if (waiting.get(i).flow == flow) {
                removed.add(removeAt(i));
            }
        }
        return removed;
    }

    private Waiter removeAt(int i) {
        int last = waiting.size() - 1;
        Waiter w = waiting.get(i);
        waiting.set(i, waiting.get(last));
        waiting.remove(last);
        return w;
    }

    /**
     * {@code flow} changed weight: the tags of its waiting writes are recomputed from their
     * starts, as if they had come with the new weight. (Two waiting writes of one stream, which
     * only mplex allows, keep the starts the old weight gave them.)
     */
    void reweigh(SendScheduler.Flow flow) {
        long last = -1;
        for (Waiter w : waiting) {
            if (w.flow == flow) {
                w.tag = w.start + cost(w.bytes, flow.weight);
                last = Math.max(last, w.tag);
            }
        }
        if (last >= 0) {
            flow.finish = last;
        }
    }

    int size() {
        return waiting.size();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    long virtualTime() {
        return virtualTime;
    }
}
