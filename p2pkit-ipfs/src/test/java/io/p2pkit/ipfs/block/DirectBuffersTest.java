package io.p2pkit.ipfs.block;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirectBuffersTest {
    @Test
    void aBufferFitsTheSizeAskedAndIsReusedOnceReleased() {
        DirectBuffers pool = new DirectBuffers();
        ByteBuffer small = pool.acquire(10);
        assertTrue(small.isDirect());
        assertEquals(64 * 1024, small.capacity());
        assertEquals(0, small.position());
        assertEquals(10, small.limit());
        ByteBuffer leaf = pool.acquire(262_158);    // a 256 KiB DAG-PB leaf
        assertEquals(512 * 1024, leaf.capacity());
        assertEquals(262_158, leaf.limit());
        assertEquals(2, pool.lent());
        assertEquals(64 * 1024 + 512 * 1024, pool.lentBytes());
        leaf.put(new byte[1000]).flip();
        pool.release(leaf);
        assertEquals(512 * 1024, pool.idleBytes());
        ByteBuffer again = pool.acquire(300_000);
        assertSame(leaf, again);
        assertEquals(0, again.position());
        assertEquals(300_000, again.limit());
        assertEquals(0, pool.idleBytes());
        pool.release(again);
        pool.release(small);
        assertEquals(0, pool.lent());
        assertEquals(0, pool.lentBytes());
        assertThrows(IllegalArgumentException.class, () -> pool.acquire(-1));
    }

    @Test
    void aBufferLargerThanABlockIsNotKeptAndTheIdleBytesAreCapped() {
        DirectBuffers pool = new DirectBuffers();
        ByteBuffer big = pool.acquire(Block.MAX_SIZE + 1);
        assertEquals(Block.MAX_SIZE + 1, big.capacity());
        pool.release(big);
        assertEquals(0, pool.idleBytes());
        List<ByteBuffer> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(pool.acquire(Block.MAX_SIZE));
        }
        many.forEach(pool::release);
        assertEquals(DirectBuffers.MAX_IDLE_BYTES, pool.idleBytes(), "16 of 2 MiB kept, the rest dropped");
        assertEquals(0, pool.lent());
    }
}
