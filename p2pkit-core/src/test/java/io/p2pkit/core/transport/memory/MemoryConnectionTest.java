package io.p2pkit.core.transport.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryConnectionTest {
    private static final long TIMEOUT_SECONDS = 30;

    @Test
    void bytesWrittenOnOneEndAreReadOnTheOther() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(new byte[] {1, 2, 3});
        p.responder().out().write(9);
        byte[] got = new byte[3];
        assertEquals(3, p.responder().in().readNBytes(got, 0, 3));
        assertArrayEquals(new byte[] {1, 2, 3}, got);
        assertEquals(9, p.initiator().in().read());
        assertEquals(0, p.initiator().in().available());
    }

    @Test
    void closeWriteGivesEndOfStreamAfterBufferedBytesAndReadingGoesOn() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(new byte[] {4, 5});
        p.initiator().closeWrite();
        assertArrayEquals(new byte[] {4, 5}, p.responder().in().readAllBytes());
        assertEquals(-1, p.responder().in().read());
        assertThrows(IOException.class, () -> p.initiator().out().write(1));
        // the other direction still works
        p.responder().out().write(new byte[] {7});
        p.responder().closeWrite();
        assertArrayEquals(new byte[] {7}, p.initiator().in().readAllBytes());
    }

    @Test
    void closeEndsRemoteReadsAndFailsRemoteWrites() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(42);
        p.initiator().close();
        assertEquals(42, p.responder().in().read());
        assertEquals(-1, p.responder().in().read());
        assertThrows(IOException.class, () -> p.responder().out().write(1));
        assertThrows(IOException.class, () -> p.initiator().in().read());
        assertThrows(IOException.class, () -> p.initiator().out().write(1));
        p.initiator().close(); // idempotent
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096, MemoryConnection.DEFAULT_BUFFER_BYTES})
    void concurrentTenMebibyteTransferArrivesIntact(int bufferBytes) throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair(bufferBytes);
        int total = bufferBytes == 1 ? 256 * 1024 : 10 * 1024 * 1024;
        SplittableRandom random = new SplittableRandom(bufferBytes);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> sent = pool.submit(() -> {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                OutputStream out = p.initiator().out();
                int left = total;
                while (left > 0) {
                    byte[] chunk = new byte[Math.min(left, 1 + random.nextInt(100_000))];
                    random.nextBytes(chunk);
                    out.write(chunk);
                    sha.update(chunk);
                    left -= chunk.length;
                }
                p.initiator().closeWrite();
                return sha.digest();
            });
            Future<byte[]> received = pool.submit(() -> {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                InputStream in = p.responder().in();
                byte[] buf = new byte[50_000];
                long count = 0;
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                    count += n;
                }
                assertEquals(total, count);
                return sha.digest();
            });
            assertArrayEquals(sent.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void writerBlockedOnFullBufferFailsWhenRemoteCloses() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair(16);
        CountDownLatch started = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> writer = pool.submit(() -> {
                started.countDown();
                p.initiator().out().write(new byte[64]);
                return null;
            });
            assertTrue(started.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertWaits(writer);
            p.responder().close();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> writer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
        }
    }

    @Test
    void writerBlockedOnFullBufferFailsWhenItsOwnEndCloses() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair(16);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> writer = pool.submit(() -> {
                p.initiator().out().write(new byte[64]);
                return null;
            });
            assertWaits(writer);
            p.initiator().close();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> writer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
        }
    }

    @Test
    void readerBlockedOnEmptyBufferSeesEndOfStreamWhenRemoteCloses() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> reader = pool.submit(() -> p.responder().in().read());
            assertWaits(reader);
            p.initiator().close();
            assertEquals(-1, reader.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void readerBlockedOnEmptyBufferFailsWhenItsOwnEndCloses() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> reader = pool.submit(() -> p.responder().in().read());
            assertWaits(reader);
            p.responder().close();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> reader.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
        }
    }

    @Test
    void rejectsNonPositiveBufferSize() {
        assertThrows(IllegalArgumentException.class, () -> MemoryConnection.pair(0));
    }

    /** The task has not finished: it is blocked (checked without any timing assertion on success). */
    private static void assertWaits(Future<?> f) throws Exception {
        assertThrows(TimeoutException.class, () -> f.get(50, TimeUnit.MILLISECONDS));
        assertFalse(f.isDone());
    }
}
