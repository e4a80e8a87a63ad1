package io.p2pkit.quic.internal;

import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer pool of one QUIC-based transport (QUIC, WebTransport): one direct arena (one event
 * loop allocates nearly all the buffers) of 1 MiB chunks. Unpooled, each packet's buffer was a
 * {@code malloc}, a zeroing and a {@code free}: a fifth of the CPU of a bulk transfer
 * (docs/PERFORMANCE.md, "The pooled allocator"). Stream writers on other threads get no thread
 * cache. Shared with the WebTransport module (a qualified export), not API.
 */
public final class BufferPool {
    /** The pool's page, and its chunk of {@code page << order} bytes (1 MiB). */
    private static final int PAGE = 8192;
    private static final int ORDER = 7;

    private BufferPool() {
    }

    /** A new pool, for one transport; what its live buffers pin is {@code pinnedDirectMemory()}. */
    public static PooledByteBufAllocator create() {
        return new PooledByteBufAllocator(true, 0, 1, PAGE, ORDER, PooledByteBufAllocator.defaultSmallCacheSize(),
                PooledByteBufAllocator.defaultNormalCacheSize(), false);
    }
}
