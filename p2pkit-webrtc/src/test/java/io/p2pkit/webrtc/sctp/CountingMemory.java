package io.p2pkit.webrtc.sctp;

import io.p2pkit.core.resource.MemoryScope;

import java.util.concurrent.atomic.AtomicLong;

/** A memory scope that counts what is reserved and never refuses, so tests can check that everything is given back. */
public final class CountingMemory implements MemoryScope {
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    /** A scope with nothing reserved. */
    public CountingMemory() {
        // counters start at zero
    }

    @Override
    public void reserveMemory(long bytes, int priority) {
        peak.accumulateAndGet(reserved.addAndGet(bytes), Math::max);
    }

    @Override
    public void releaseMemory(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** Bytes reserved now. */
    public long reserved() {
        return reserved.get();
    }

    /** The most ever reserved at once. */
    public long peak() {
        return peak.get();
    }
}
