package io.p2pkit.core.transport.memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory connection: a bounded ring buffer with blocking reads and writes.
 * Writers block while it is full, readers while it is empty; closing either end wakes both.
 *
 * <p>The ring starts small and doubles up to its capacity as data arrives, so idle connections in
 * large simulated networks cost little. With a delay, each write becomes readable only once the
 * delay has passed since it was written, which models one-way link latency.
 */
final class BytePipe {
    /** The ring's size before it first has to grow. */
    private static final int INITIAL_RING = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final int capacity;
    private final long delayNanos;
    /** Per delayed write: {total bytes written once it is in, nanoTime when it becomes readable}. */
    private final ArrayDeque<long[]> arrivals = new ArrayDeque<>();
    private byte[] ring;
    private int head;
    private int count;
    /** Bytes ever written and ever read; with {@link #arrivals} they say what is readable now. */
    private long written;
    private long read;
    /** No more bytes will be written: the reader sees end of stream once it has drained the ring. */
    private boolean writerClosed;
    /** Nobody reads any more: writes fail and buffered bytes are dropped. */
    private boolean readerClosed;

    BytePipe(int capacity) {
        this(capacity, 0);
    }

    BytePipe(int capacity, long delayNanos) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + capacity);
        }
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delay must not be negative, got " + delayNanos);
        }
        this.capacity = capacity;
        this.delayNanos = delayNanos;
        this.ring = new byte[Math.min(capacity, INITIAL_RING)];
    }

    /** Reads at least one byte, blocking while none is readable; -1 at end of stream. */
    int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            int ready;
            while (true) {
                // One clock reading for both the check and the wait: with two, bytes found not yet
                // due could be due by the second reading, and the negative wait meant "no deadline".
                long now = System.nanoTime();
                if ((ready = readableAt(now)) > 0) {
                    break;
                }
                if (readerClosed) {
                    throw new IOException("connection closed");
                }
                if (count == 0 && writerClosed) {
                    return -1;
                }
                long wait = count == 0 ? -1 : Math.max(1, arrivals.peekFirst()[1] - now);
                await(readable, wait);
            }
            if (readerClosed) {
                throw new IOException("connection closed");
            }
            int n = Math.min(len, ready);
            // at most two array copies: up to the end of the ring, then from its start
            int first = Math.min(n, ring.length - head);
            System.arraycopy(ring, head, dst, off, first);
            if (n > first) {
                System.arraycopy(ring, 0, dst, off + first, n - first);
            }
            head = (head + n) % ring.length;
            count -= n;
            read += n;
            while (!arrivals.isEmpty() && arrivals.peekFirst()[0] <= read) {
                arrivals.pollFirst();
            }
            writable.signalAll();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Buffered bytes whose delay has passed by {@code now}; caller holds the lock. */
    private int readableAt(long now) {
        if (delayNanos == 0 || count == 0) {
            return count;
        }
        long upTo = read;
        for (long[] arrival : arrivals) {
            if (arrival[1] - now > 0) {
                break;
            }
            upTo = arrival[0];
        }
        return (int) (upTo - read);
    }

    /** The number of bytes that can be read without blocking. */
    int available() {
        lock.lock();
        try {
            return readerClosed ? 0 : readableAt(System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** Writes all of {@code src[off..off+len)}, blocking while the ring is full. */
    void write(byte[] src, int off, int len) throws IOException {
        while (len > 0) {
            lock.lock();
            try {
                while (true) {
                    if (writerClosed) {
                        throw new IOException("write side closed");
                    }
                    if (readerClosed) {
                        throw new IOException("connection closed by the remote");
                    }
                    if (count < capacity) {
                        break;
                    }
                    await(writable, -1);
                }
                int n = Math.min(len, capacity - count);
                if (count + n > ring.length) {
                    grow(count + n);
                }
                int tail = (head + count) % ring.length;
                int first = Math.min(n, ring.length - tail);
                System.arraycopy(src, off, ring, tail, first);
                if (n > first) {
                    System.arraycopy(src, off + first, ring, 0, n - first);
                }
                count += n;
                written += n;
                if (delayNanos > 0) {
                    arrivals.addLast(new long[] {written, System.nanoTime() + delayNanos});
                }
                off += n;
                len -= n;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Enlarges the ring to hold at least {@code needed} bytes, keeping the buffered ones in order. */
    private void grow(int needed) {
        int size = ring.length;
        while (size < needed) {
            size = (int) Math.min(capacity, size * 2L);
        }
        byte[] bigger = new byte[size];
        int first = Math.min(count, ring.length - head);
        System.arraycopy(ring, head, bigger, 0, first);
        System.arraycopy(ring, 0, bigger, first, count - first);
        ring = bigger;
        head = 0;
    }

    /** Ends the stream for the reader after the buffered bytes; later writes fail. */
    void closeWriter() {
        lock.lock();
        try {
            writerClosed = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops reading: buffered bytes are dropped, blocked and later writes fail. */
    void closeReader() {
        lock.lock();
        try {
            readerClosed = true;
            count = 0;
            arrivals.clear();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits on {@code condition}, at most {@code nanos} when that is not negative; an interrupt ends
     * the wait with an {@link InterruptedIOException} (and the interrupt flag set again) rather than
     * being swallowed.
     */
    private static void await(Condition condition, long nanos) throws InterruptedIOException {
        try {
            if (nanos < 0) {
                condition.await();
            } else if (nanos > 0) {
                condition.await(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on an in-memory connection");
        }
    }
}
