package io.p2pkit.core.transport.memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory connection: a bounded ring buffer with blocking reads and writes.
 * Writers block while it is full, readers while it is empty; closing either end wakes both.
 */
final class BytePipe {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final byte[] ring;
    private int head;
    private int count;
    /** No more bytes will be written: the reader sees end of stream once it has drained the ring. */
    private boolean writerClosed;
    /** Nobody reads any more: writes fail and buffered bytes are dropped. */
    private boolean readerClosed;

    BytePipe(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + capacity);
        }
        ring = new byte[capacity];
    }

    /** Reads at least one byte, blocking while none is buffered; -1 at end of stream. */
    int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (count == 0) {
                if (readerClosed) {
                    throw new IOException("connection closed");
                }
                if (writerClosed) {
                    return -1;
                }
                awaitInterruptibly(readable);
            }
            if (readerClosed) {
                throw new IOException("connection closed");
            }
            int n = Math.min(len, count);
            // at most two array copies: up to the end of the ring, then from its start
            int first = Math.min(n, ring.length - head);
            System.arraycopy(ring, head, dst, off, first);
            if (n > first) {
                System.arraycopy(ring, 0, dst, off + first, n - first);
            }
            head = (head + n) % ring.length;
            count -= n;
            writable.signalAll();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The number of bytes that can be read without blocking. */
    int available() {
        lock.lock();
        try {
            return readerClosed ? 0 : count;
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
                    if (count < ring.length) {
                        break;
                    }
                    awaitInterruptibly(writable);
                }
                int n = Math.min(len, ring.length - count);
                int tail = (head + count) % ring.length;
                int first = Math.min(n, ring.length - tail);
                System.arraycopy(src, off, ring, tail, first);
                if (n > first) {
                    System.arraycopy(src, off + first, ring, 0, n - first);
                }
                count += n;
                off += n;
                len -= n;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }
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
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits on {@code condition}; an interrupt ends the wait with an {@link InterruptedIOException}
     * (and the interrupt flag set again) rather than being swallowed.
     */
    private static void awaitInterruptibly(Condition condition) throws InterruptedIOException {
        try {
            condition.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on an in-memory connection");
        }
    }
}
