package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.unixfs.chunker.Chunker;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * A chunker whose chunks are cut on another thread, a few ahead of the importer, so that reading
 * the input overlaps hashing the chunks before it: reading a file costs about as much CPU as
 * hashing it (the kernel's copy, the array's zeroing), and on the importing thread it left a core
 * idle while it read (docs/PERFORMANCE.md, "Reading ahead of the hashers").
 *
 * <p>The first {@link #SYNC_BYTES} of a stream are cut on the calling thread, so a small file
 * never starts a thread. Beyond that at most {@link #AHEAD} chunks wait, on top of the one being
 * cut. An exception from the chunker reaches {@link #next} after the chunks cut before it.
 * {@link #close} stops the reader without waiting for it: a read that is under way ends when its
 * stream returns or is closed, and its chunk is dropped.
 */
final class ReadAhead implements Chunker, AutoCloseable {
    /** Bytes cut on the calling thread before the reader starts. */
    static final long SYNC_BYTES = 1024 * 1024;
    /** Chunks that may wait for the importer. */
    static final int AHEAD = 2;

    private final Chunker chunker;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>(AHEAD);
    private long syncBytes;
    private Thread reader;
    private boolean ended;     // the chunker returned null: no chunk after those in ready
    private Throwable failure; // the chunker threw: after those in ready
    private boolean closed;

    ReadAhead(Chunker chunker) {
        this.chunker = chunker;
    }

    @Override
    public byte[] next() throws IOException {
        if (reader == null) {
            if (syncBytes < SYNC_BYTES) {
                byte[] chunk = chunker.next();
                syncBytes += chunk == null ? SYNC_BYTES : chunk.length;
                return chunk;
            }
            reader = Thread.ofVirtual().name("unixfs-read-ahead").start(this::read);
        }
        synchronized (this) {
            while (ready.isEmpty() && !ended && failure == null && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the input");
                }
            }
            if (closed) {
                throw new IOException("the import's input was closed");
            }
            byte[] chunk = ready.pollFirst();
            if (chunk != null) {
                notifyAll();
                return chunk;
            }
            if (failure instanceof IOException e) {
                throw e; // as the chunker threw it: callers tell failures apart by type
            } else if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            }
            return null;
        }
    }

    private void read() {
        try {
            while (true) {
                synchronized (this) {
                    while (ready.size() >= AHEAD && !closed) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                }
                byte[] chunk = chunker.next(); // outside the lock: the importer takes chunks meanwhile
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    if (chunk == null) {
                        ended = true;
                    } else {
                        ready.addLast(chunk);
                    }
                    notifyAll();
                    if (chunk == null) {
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            synchronized (this) {
                failure = t;
                notifyAll();
            }
        }
    }

    /** Stops reading ahead and drops the chunks not taken; does not wait for a read under way. */
    @Override
    public synchronized void close() {
        closed = true;
        ready.clear();
        notifyAll();
    }
}
