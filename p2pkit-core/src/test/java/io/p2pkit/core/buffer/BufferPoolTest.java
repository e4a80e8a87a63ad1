package io.p2pkit.core.buffer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferPoolTest {
    @Test
    void recyclesArraysOfTheSameSize() {
        int size = 12_345; // a size no production code uses, so other tests cannot interfere
        byte[] a = BufferPool.take(size);
        assertEquals(size, a.length);
        BufferPool.give(a);
        assertSame(a, BufferPool.take(size));
        assertEquals(size + 1, BufferPool.take(size + 1).length);
    }

    @Test
    void keepsABoundedNumberPerSizeAndNeverHandsOutOneArrayTwice() {
        int size = 23_456;
        List<byte[]> given = new ArrayList<>();
        for (int i = 0; i < BufferPool.MAX_PER_SIZE + 10; i++) {
            given.add(new byte[size]);
        }
        given.forEach(BufferPool::give);
        IdentityHashMap<byte[], Boolean> out = new IdentityHashMap<>();
        int recycled = 0;
        for (int i = 0; i < BufferPool.MAX_PER_SIZE + 10; i++) {
            byte[] b = BufferPool.take(size);
            assertTrue(out.put(b, Boolean.TRUE) == null, "the same array was handed out twice");
            if (given.stream().anyMatch(g -> g == b)) {
                recycled++;
            }
        }
        assertEquals(BufferPool.MAX_PER_SIZE, recycled);
    }

    @Test
    void ignoresNullEmptyAndHugeArrays() {
        int before = BufferPool.kept();
        BufferPool.give(null);
        BufferPool.give(new byte[0]);
        BufferPool.give(new byte[BufferPool.MAX_BYTES + 1]);
        assertEquals(before, BufferPool.kept());
    }
}
