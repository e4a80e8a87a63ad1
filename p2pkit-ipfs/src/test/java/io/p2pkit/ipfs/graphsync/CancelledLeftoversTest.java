package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.ipfs.block.Block;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CancelledLeftoversTest {
    private static Block block(int seed, int size) {
        byte[] data = new byte[size];
        data[0] = (byte) seed;
        data[size - 1] = (byte) (seed >> 8);
        return Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
    }

    @Test
    void keepsOnlyTheLatestCancelsAndHandsEachBlockOutOnce() throws Exception {
        CancelledLeftovers<Integer> l = new CancelledLeftovers<>();
        assertFalse(l.wasCancelled(1));
        for (int i = 0; i <= CancelledLeftovers.MAX_CANCELLED; i++) {
            l.cancelled(i);
        }
        assertFalse(l.wasCancelled(0), "the oldest cancel was forgotten");
        assertTrue(l.wasCancelled(CancelledLeftovers.MAX_CANCELLED));
        Block b = block(1, 100);
        l.keep(b, MemoryScope.UNLIMITED);
        assertEquals(Optional.of(b), l.take(b.cid(), 0));
        assertEquals(Optional.empty(), l.take(b.cid(), 0));
    }

    @Test
    void dropsTheOldestBlocksBeyondItsBytes() throws Exception {
        CancelledLeftovers<Integer> l = new CancelledLeftovers<>();
        l.cancelled(1);
        int size = 1 << 20;
        Block first = block(0, size);
        l.keep(first, MemoryScope.UNLIMITED);
        for (int i = 1; i <= CancelledLeftovers.MAX_BYTES / size; i++) {
            l.keep(block(i, size), MemoryScope.UNLIMITED);
        }
        assertEquals(Optional.empty(), l.take(first.cid(), 0), "the oldest went first");
        assertTrue(l.take(block(1, size).cid(), 0).isPresent());
    }

    @Test
    void aTakeWaitsForABlockOnItsWay() throws Exception {
        CancelledLeftovers<Integer> l = new CancelledLeftovers<>();
        l.cancelled(1);
        Block b = block(2, 10);
        CompletableFuture<Optional<Block>> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return l.take(b.cid(), TimeUnit.SECONDS.toNanos(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        l.keep(b, MemoryScope.UNLIMITED);
        assertEquals(Optional.of(b), taken.get(30, TimeUnit.SECONDS));
    }

    /** A scope with a limit that counts what is held. */
    private static final class Counted implements MemoryScope {
        private final long limit;
        private long held;

        Counted(long limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void reserveMemory(long bytes, int priority) throws ResourceLimitException {
            if (held + bytes > limit) {
                throw new ResourceLimitException("test", Resource.MEMORY, limit, held, null);
            }
            held += bytes;
        }

        @Override
        public synchronized void releaseMemory(long bytes) {
            held -= bytes;
        }

        synchronized long held() {
            return held;
        }
    }

    @Test
    void keptBlocksStayChargedToTheirStreamUntilTakenOrDropped() throws Exception {
        CancelledLeftovers<Integer> l = new CancelledLeftovers<>();
        l.cancelled(1);
        int size = 1 << 20;
        Counted scope = new Counted(CancelledLeftovers.MAX_BYTES + size);
        Block first = block(0, size);
        assertTrue(l.keep(first, scope));
        assertFalse(l.keep(first, scope), "kept once");
        assertEquals(size, scope.held());
        for (int i = 1; i <= CancelledLeftovers.MAX_BYTES / size; i++) {
            assertTrue(l.keep(block(i, size), scope));
        }
        assertEquals(CancelledLeftovers.MAX_BYTES, scope.held(), "the dropped oldest block was released");
        assertTrue(l.take(block(1, size).cid(), 0).isPresent());
        assertEquals(CancelledLeftovers.MAX_BYTES - size, scope.held(), "a taken block is released");
    }

    @Test
    void aBlockItsScopeRefusesIsNotKept() throws Exception {
        CancelledLeftovers<Integer> l = new CancelledLeftovers<>();
        l.cancelled(1);
        Counted scope = new Counted(1000);
        Block small = block(1, 600);
        Block refused = block(2, 600);
        assertTrue(l.keep(small, scope));
        assertFalse(l.keep(refused, scope));
        assertEquals(600, scope.held());
        assertEquals(Optional.empty(), l.take(refused.cid(), 0));
        assertEquals(Optional.of(small), l.take(small.cid(), 0));
        assertEquals(0, scope.held());
    }

    @Test
    void aBlockNobodyTakesIsDroppedAfterItsTime() throws Exception {
        AtomicLong now = new AtomicLong();
        CancelledLeftovers<Integer> l = new CancelledLeftovers<>(now::get);
        l.cancelled(1);
        Counted scope = new Counted(1 << 20);
        Block stale = block(1, 100);
        Block fresh = block(2, 100);
        assertTrue(l.keep(stale, scope));
        now.addAndGet(CancelledLeftovers.KEEP_NANOS - 1);
        assertTrue(l.keep(fresh, scope));
        now.addAndGet(1);
        assertEquals(Optional.empty(), l.take(stale.cid(), 0), "kept its time and dropped");
        assertEquals(100, scope.held(), "the dropped block was released");
        assertEquals(Optional.of(fresh), l.take(fresh.cid(), 0));
        assertEquals(0, scope.held());
    }
}
