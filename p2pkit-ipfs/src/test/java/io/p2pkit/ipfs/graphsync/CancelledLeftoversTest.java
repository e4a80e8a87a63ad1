package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
        l.keep(b);
        assertEquals(Optional.of(b), l.take(b.cid(), 0));
        assertEquals(Optional.empty(), l.take(b.cid(), 0));
    }

    @Test
    void dropsTheOldestBlocksBeyondItsBytes() throws Exception {
        CancelledLeftovers<Integer> l = new CancelledLeftovers<>();
        l.cancelled(1);
        int size = 1 << 20;
        Block first = block(0, size);
        l.keep(first);
        for (int i = 1; i <= CancelledLeftovers.MAX_BYTES / size; i++) {
            l.keep(block(i, size));
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
        l.keep(b);
        assertEquals(Optional.of(b), taken.get(30, TimeUnit.SECONDS));
    }
}
