package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.testing.TestDag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryBlockstoreTest {
    private static List<Block> blocks(int n, int size) {
        SplittableRandom r = new SplittableRandom(n * 31L + size);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestDag.leaf(r, size));
        }
        return out;
    }

    @Test
    void theLeastRecentlyUsedBlockGoesFirstWhenTheCountIsReached() {
        List<Block> b = blocks(4, 10);
        MemoryBlockstore m = new MemoryBlockstore(new MemoryBlockstore.Limits(1 << 20, 3, false));
        m.put(b.get(0));
        m.put(b.get(1));
        m.put(b.get(2));
        m.get(b.get(0).cid()); // 1 is now the least recently used
        m.put(b.get(3));
        assertTrue(m.has(b.get(0).cid().multihash()));
        assertFalse(m.has(b.get(1).cid().multihash()));
        assertEquals(3, m.count());
        assertEquals(1, m.evictions());
    }

    @Test
    void theByteBoundEvictsToo() {
        List<Block> b = blocks(5, 100);
        MemoryBlockstore m = new MemoryBlockstore(new MemoryBlockstore.Limits(350, 100, false));
        b.forEach(m::put);
        assertEquals(3, m.count());
        assertEquals(300, m.totalSize());
        assertTrue(m.has(b.get(4).cid().multihash()));
        assertFalse(m.has(b.get(1).cid().multihash()));
    }

    @Test
    void aSizeQueryIsNotAUse() {
        List<Block> b = blocks(3, 10);
        MemoryBlockstore m = new MemoryBlockstore(new MemoryBlockstore.Limits(1 << 20, 2, false));
        m.put(b.get(0));
        m.put(b.get(1));
        assertEquals(10, m.sizeOf(b.get(0).cid().multihash()).orElseThrow());
        assertTrue(m.has(b.get(0).cid().multihash()));
        m.put(b.get(2));
        assertFalse(m.has(b.get(0).cid().multihash()), "still the least recently used");
    }

    @Test
    void aBlockLargerThanTheWholeBoundIsNotKept() {
        Block b = blocks(1, 500).get(0);
        MemoryBlockstore m = new MemoryBlockstore(new MemoryBlockstore.Limits(400, 10, false));
        m.put(b);
        assertEquals(0, m.count());
    }

    @Test
    void bigBlocksAreRefusedUnlessAllowed() {
        Block big = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[Block.MAX_SIZE + 1]);
        MemoryBlockstore m = new MemoryBlockstore(new MemoryBlockstore.Limits(8L << 20, 10, false));
        assertThrows(BlockTooLargeException.class, () -> m.put(big));
        MemoryBlockstore allowing = new MemoryBlockstore(new MemoryBlockstore.Limits(8L << 20, 10, true));
        allowing.put(big);
        assertTrue(allowing.has(big.cid().multihash()));
    }

    @Test
    void unsavedMarksAreCounted() {
        List<Block> b = blocks(2, 10);
        MemoryBlockstore m = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        m.put(b.get(0), true);
        m.put(b.get(1), false);
        assertEquals(1, m.unsavedCount());
        assertEquals(10, m.unsavedSize());
        assertEquals(List.of(b.get(0).cid().multihash()), m.unsavedKeys());
        m.markSaved(b.get(0).cid().multihash());
        assertEquals(0, m.unsavedCount());
        m.put(b.get(1), true);
        assertEquals(0, m.unsavedCount(), "a saved block does not become unsaved again");
        m.delete(b.get(1).cid().multihash());
        m.put(b.get(1), true);
        assertEquals(1, m.unsavedCount());
        m.delete(b.get(1).cid().multihash());
        assertEquals(0, m.unsavedCount());
        assertEquals(10, m.totalSize());
    }

    @Test
    void aClosedStoreRefusesUse() {
        MemoryBlockstore m = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        m.close();
        assertThrows(IllegalStateException.class, () -> m.put(blocks(1, 1).get(0)));
    }
}
