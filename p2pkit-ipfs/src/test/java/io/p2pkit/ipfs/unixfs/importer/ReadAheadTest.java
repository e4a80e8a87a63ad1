package io.p2pkit.ipfs.unixfs.importer;

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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ReadAhead}: the chunker's chunks in its order, its failures in place, a bounded lead. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadAheadTest {
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
            return chunk(size, i);
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
        List<byte[]> got = new ArrayList<>();
        try (ReadAhead chunks = new ReadAhead(inner)) {
            for (byte[] c; (c = chunks.next()) != null; ) {
                got.add(c);
            }
            assertNull(chunks.next(), "the end stays the end");
        }
        assertEquals(200, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(chunk(100_000, i), got.get(i), "chunk " + i);
        }
        assertTrue(inner.threads.stream().anyMatch(Thread::isVirtual), "past the first MiB another thread reads");
    }

    @Test
    void aSmallStreamIsCutOnTheCallersThreadAlone() throws Exception {
        Counting inner = new Counting(4096, 3, null);
        try (ReadAhead chunks = new ReadAhead(inner)) {
            int n = 0;
            while (chunks.next() != null) {
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
        try (ReadAhead chunks = new ReadAhead(inner)) {
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(chunk(300_000, i), chunks.next(), "chunk " + i);
            }
            assertSame(broken, assertThrows(IOException.class, chunks::next));
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
        try (ReadAhead chunks = new ReadAhead(inner)) {
            for (int i = 0; i < 8; i++) {
                chunks.next();
            }
            assertSame(boom, assertThrows(UncheckedIOException.class, chunks::next));
        }
    }

    @Test
    void theReaderStaysAtMostAFewChunksAheadAndStopsWhenClosed() throws Exception {
        Counting inner = new Counting(512 * 1024, 1_000_000, null);
        ReadAhead chunks = new ReadAhead(inner);
        for (int i = 0; i < 3; i++) {
            chunks.next(); // 1.5 MiB: the reader has started
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inner.cut.get() < 3 + ReadAhead.AHEAD && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        int lead = inner.cut.get() - 3;
        assertTrue(lead >= ReadAhead.AHEAD && lead <= ReadAhead.AHEAD + 1, "cut ahead: " + lead);
        chunks.close();
        int atClose = inner.cut.get();
        Thread.sleep(100);
        assertTrue(inner.cut.get() <= atClose + 1, "a closed reader cuts at most the chunk it was cutting");
        assertThrows(IOException.class, chunks::next);
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
        ReadAhead chunks = new ReadAhead(inner);
        for (int i = 0; i < 4; i++) {
            chunks.next();
        }
        long t0 = System.nanoTime();
        chunks.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close did not wait for the read");
        release.countDown();
    }
}
