package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.unixfs.chunker.Chunker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LeafPipeline}: the chunker's chunks in its order with their leaves, failures in place, a bounded lead. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeafPipelineTest {
    /** A leaf block as a test can check it: the chunk behind a 1-byte marker. */
    private static byte[] shape(byte[] chunk) {
        byte[] block = new byte[chunk.length + 1];
        block[0] = 'L';
        System.arraycopy(chunk, 0, block, 1, chunk.length);
        return block;
    }

    private static Cid name(byte[] block) {
        return Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, block));
    }

    private static LeafPipeline pipeline(Chunker chunker) {
        return new LeafPipeline(chunker, LeafPipelineTest::shape, LeafPipelineTest::name);
    }

    /** Numbered chunks of {@code size} bytes, {@code count} of them, then a failure or the end. */
    private static final class Counting implements Chunker {
        final int size;
        final int count;
        final IOException failure;
        final AtomicInteger cut = new AtomicInteger();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        Counting(int size, int count, IOException failure) {
            this.size = size;
            this.count = count;
            this.failure = failure;
        }

        @Override
        public byte[] next() throws IOException {
            threads.add(Thread.currentThread());
            int i = cut.get();
            if (i == count) {
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            cut.incrementAndGet();
            synchronized (this) {
                notifyAll();
            }
            return chunk(size, i);
        }

        /** Whether {@code n} chunks were cut within {@code millis}. */
        synchronized boolean awaitCut(int n, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (cut.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    private static byte[] chunk(int size, int i) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) {
            b[j] = (byte) (i * 31 + j);
        }
        return b;
    }

    @Test
    void aLongStreamComesInTheChunkersOrderAndIsCutOnAnotherThread() throws Exception {
        Counting inner = new Counting(100_000, 200, null);
        List<LeafPipeline.Leaf> got = new ArrayList<>();
        try (LeafPipeline leaves = pipeline(inner)) {
            for (LeafPipeline.Leaf l; (l = leaves.next()) != null; ) {
                got.add(l);
            }
            assertNull(leaves.next(), "the end stays the end");
        }
        assertEquals(200, got.size());
        int made = 0;
        for (int i = 0; i < got.size(); i++) {
            LeafPipeline.Leaf l = got.get(i);
            assertArrayEquals(chunk(100_000, i), l.data(), "chunk " + i);
            if (l.cid() == null) {
                assertNull(l.block());
                assertEquals(0, made, "only the first chunks are left to the caller");
                assertTrue(i * 100_000L < LeafPipeline.SYNC_BYTES, "chunk " + i + " is past the first MiB");
            } else {
                made++;
                assertArrayEquals(shape(l.data()), l.block(), "leaf " + i);
                assertEquals(name(l.block()), l.cid(), "CID of leaf " + i);
            }
        }
        assertTrue(made > 180, "the workers made " + made + " leaves");
        assertTrue(inner.threads.stream().anyMatch(Thread::isVirtual), "past the first MiB the workers read");
    }

    @Test
    void aSmallStreamIsCutOnTheCallersThreadAlone() throws Exception {
        Counting inner = new Counting(4096, 3, null);
        try (LeafPipeline leaves = pipeline(inner)) {
            int n = 0;
            for (LeafPipeline.Leaf l; (l = leaves.next()) != null; ) {
                assertNull(l.cid());
                n++;
            }
            assertEquals(3, n);
        }
        assertEquals(Set.of(Thread.currentThread()), inner.threads);
    }

    @Test
    void theChunkersFailureComesAfterTheChunksBeforeItAndIsTheSameException() throws Exception {
        IOException broken = new IOException("the disk went away");
        Counting inner = new Counting(300_000, 10, broken);
        try (LeafPipeline leaves = pipeline(inner)) {
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(chunk(300_000, i), leaves.next().data(), "chunk " + i);
            }
            assertSame(broken, assertThrows(IOException.class, leaves::next));
        }
    }

    @Test
    void anUncheckedFailureComesThroughAsItWasThrown() throws Exception {
        UncheckedIOException boom = new UncheckedIOException(new IOException("boom"));
        Chunker inner = new Chunker() {
            int n;

            @Override
            public byte[] next() {
                if (n++ < 8) {
                    return new byte[256 * 1024];
                }
                throw boom;
            }
        };
        try (LeafPipeline leaves = pipeline(inner)) {
            for (int i = 0; i < 8; i++) {
                leaves.next();
            }
            assertSame(boom, assertThrows(UncheckedIOException.class, leaves::next));
        }
    }

    @Test
    void aFailingHashComesAfterTheLeavesBeforeIt() throws Exception {
        IllegalStateException bad = new IllegalStateException("no such hash");
        Counting inner = new Counting(512 * 1024, 40, null);
        try (LeafPipeline leaves = new LeafPipeline(inner, LeafPipelineTest::shape,
                block -> {
                    if (block[1] == (byte) (20 * 31)) { // chunk 20's first byte
                        throw bad;
                    }
                    return name(block);
                })) {
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(chunk(512 * 1024, i), leaves.next().data(), "chunk " + i);
            }
            assertSame(bad, assertThrows(IllegalStateException.class, leaves::next));
        }
    }

    @Test
    void theWorkersStayAtMostAFewLeavesAheadAndStopWhenClosed() throws Exception {
        Counting inner = new Counting(512 * 1024, 1_000_000, null);
        LeafPipeline leaves = pipeline(inner);
        for (int i = 0; i < 3; i++) {
            leaves.next(); // 1.5 MiB: the workers have started
        }
        assertTrue(inner.awaitCut(3 + LeafPipeline.AHEAD, 10_000), "the workers cut ahead");
        assertFalse(inner.awaitCut(4 + LeafPipeline.AHEAD, 100), "and no further");
        assertEquals(LeafPipeline.AHEAD, inner.cut.get() - 3, "cut and not taken, beyond the 3 taken");
        leaves.close();
        int atClose = inner.cut.get();
        assertFalse(inner.awaitCut(atClose + 2, 100), "closed workers cut at most the chunk they were cutting");
        assertThrows(IOException.class, leaves::next);
    }

    @Test
    void closingWhileTheReaderIsBlockedDoesNotWaitForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Chunker inner = new Chunker() {
            int n;

            @Override
            public byte[] next() throws IOException {
                if (n++ < 4) {
                    return new byte[512 * 1024];
                }
                try {
                    release.await(); // a stream that does not answer
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return null;
            }
        };
        LeafPipeline leaves = pipeline(inner);
        for (int i = 0; i < 4; i++) {
            leaves.next();
        }
        long t0 = System.nanoTime();
        leaves.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close did not wait for the read");
        release.countDown();
    }
}
