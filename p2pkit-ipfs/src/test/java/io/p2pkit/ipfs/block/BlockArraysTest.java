package io.p2pkit.ipfs.block;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class BlockArraysTest {
    private static final int LEAF = 262_158; // a CIDv0 leaf of 256 KiB

    @Test
    void anArrayGivenBackIsLentAgainForTheSameSize() {
        BlockArrays arrays = new BlockArrays();
        byte[] a = arrays.acquire(LEAF);
        assertEquals(LEAF, a.length);
        assertEquals(1, arrays.lent());
        arrays.release(a);
        assertEquals(0, arrays.lent());
        assertEquals(LEAF, arrays.idleBytes());
        assertSame(a, arrays.acquire(LEAF));
        assertNotSame(a, arrays.acquire(LEAF), "one idle array is lent once");
        assertEquals(0, arrays.idleBytes());
        byte[] other = arrays.acquire(LEAF + 1);
        assertEquals(LEAF + 1, other.length, "exactly the size asked for");
    }

    @Test
    void arraysItDidNotLendAreIgnored() {
        BlockArrays arrays = new BlockArrays();
        byte[] shared = new byte[LEAF]; // a block a store holds in memory
        arrays.release(shared);
        arrays.release(null);
        assertEquals(0, arrays.idleBytes());
        assertNotSame(shared, arrays.acquire(LEAF));
        byte[] a = arrays.acquire(LEAF);
        arrays.release(a);
        arrays.release(a); // twice: the second is not an array it lent any more
        assertEquals(LEAF, arrays.idleBytes());
    }

    @Test
    void smallArraysAreNotPooled() {
        BlockArrays arrays = new BlockArrays();
        byte[] small = arrays.acquire(BlockArrays.MIN_BYTES - 1);
        assertEquals(0, arrays.lent());
        arrays.release(small);
        assertEquals(0, arrays.idleBytes());
        assertEquals(0, arrays.acquire(0).length);
        assertThrows(IllegalArgumentException.class, () -> arrays.acquire(-1));
    }

    @Test
    void idleArraysStayUnderTheBoundOldestDroppedFirst() {
        BlockArrays arrays = new BlockArrays();
        int size = 1 << 20;
        int fit = (int) (BlockArrays.MAX_IDLE_BYTES / size);
        byte[][] lent = new byte[fit][];
        for (int i = 0; i < fit; i++) {
            lent[i] = arrays.acquire(size);
        }
        byte[] other = arrays.acquire(size / 2);
        for (byte[] a : lent) {
            arrays.release(a);
        }
        assertEquals(BlockArrays.MAX_IDLE_BYTES, arrays.idleBytes());
        arrays.release(other); // the oldest 1 MiB array goes to make room
        assertEquals(BlockArrays.MAX_IDLE_BYTES - size + size / 2, arrays.idleBytes());
        assertSame(other, arrays.acquire(size / 2));
        assertSame(lent[fit - 1], arrays.acquire(size), "the newest first");
    }

    @Test
    void whatIsTrackedWhileLentIsBounded() {
        BlockArrays arrays = new BlockArrays();
        int size = 2 << 20;
        int tracked = (int) (BlockArrays.MAX_LENT_BYTES / size);
        for (int i = 0; i < tracked + 3; i++) {
            arrays.acquire(size); // never given back: a caller that forgets
        }
        assertEquals(tracked, arrays.lent(), "beyond the bound, arrays are lent untracked and never held here");
        byte[] untracked = arrays.acquire(size);
        arrays.release(untracked);
        assertEquals(0, arrays.idleBytes());
    }
}
