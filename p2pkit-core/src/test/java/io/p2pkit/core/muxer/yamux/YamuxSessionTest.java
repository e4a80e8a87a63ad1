package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.p2pkit.core.muxer.yamux.SessionPair.await;
import static io.p2pkit.core.muxer.yamux.SessionPair.quiet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamuxSessionTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Echoes every accepted stream until the session closes. */
    private static Thread echoServer(YamuxSession session) {
        return Thread.ofVirtual().start(() -> {
            try {
                MuxedStream s;
                while ((s = session.acceptStream()) != null) {
                    MuxedStream stream = s;
                    Thread.ofVirtual().start(() -> {
                        try (stream) {
                            stream.in().transferTo(stream.out());
                            stream.closeWrite();
                        } catch (IOException ignored) {
                            // The test that caused it checks the outcome.
                        }
                    });
                }
            } catch (IOException ignored) {
                // Session closed.
            }
        });
    }

    /** Writes {@code data} on one thread while reading the echo on this one. */
    private static byte[] echo(YamuxSession session, byte[] data) throws Exception {
        MuxedStream s = session.openStream();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                s.out().write(data);
                s.closeWrite();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
        byte[] reply = s.in().readAllBytes();
        writer.get(60, TimeUnit.SECONDS);
        s.close();
        return reply;
    }

    @Test
    void openAcceptEcho() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            MuxedStream out = p.dialer.openStream();
            assertEquals(1, out.id());
            out.out().write("hello".getBytes(StandardCharsets.UTF_8));
            MuxedStream in = p.listener.acceptStream();
            assertEquals(1, in.id());
            byte[] got = in.in().readNBytes(5);
            assertEquals("hello", new String(got, StandardCharsets.UTF_8));
            in.out().write("world".getBytes(StandardCharsets.UTF_8));
            in.closeWrite();
            out.closeWrite();
            assertEquals("world", new String(out.in().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(-1, in.in().read());
            await("both streams finished", () -> p.dialer.streamCount() == 0 && p.listener.streamCount() == 0);

            MuxedStream fromListener = p.listener.openStream();
            assertEquals(2, fromListener.id());
        }
    }

    /**
     * Frames just below, at and above the sizes where received payloads move into recycled
     * arrays, read back in odd-sized pieces on two streams at once: a recycled array handed out
     * while still queued would show up as corrupted bytes here.
     */
    @Test
    void payloadsAroundThePooledSizesArriveIntact() throws Exception {
        int[] sizes = {1, DataChunk.POOLED_MIN - 1, DataChunk.POOLED_MIN, DataChunk.POOLED_MIN + 1, 65535, 65536,
                65537, DataChunk.POOLED_MAX, DataChunk.POOLED_MAX + 1};
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            MuxedStream a = p.dialer.openStream();
            MuxedStream b = p.dialer.openStream();
            var expectedA = new java.io.ByteArrayOutputStream();
            var expectedB = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < sizes.length; i++) {
                expectedA.write(random(2L * i, sizes[i]));
                expectedB.write(random(2L * i + 1, sizes[sizes.length - 1 - i]));
            }
            // Streams are announced by their first write, so the writer runs while we accept.
            var written = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < sizes.length; i++) {
                        a.out().write(random(2L * i, sizes[i]));
                        b.out().write(random(2L * i + 1, sizes[sizes.length - 1 - i]));
                    }
                    a.closeWrite();
                    b.closeWrite();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            MuxedStream inA = p.listener.acceptStream();
            MuxedStream inB = p.listener.acceptStream();
            var readA = CompletableFuture.supplyAsync(() -> readInPieces(inA, 7919));
            var readB = CompletableFuture.supplyAsync(() -> readInPieces(inB, 65521));
            written.get(60, TimeUnit.SECONDS);
            assertArrayEquals(expectedA.toByteArray(), readA.get(60, TimeUnit.SECONDS));
            assertArrayEquals(expectedB.toByteArray(), readB.get(60, TimeUnit.SECONDS));
        }
    }

    private static byte[] readInPieces(MuxedStream s, int piece) {
        try {
            var all = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[piece];
            for (int n; (n = s.in().read(buf)) != -1; ) {
                all.write(buf, 0, n);
            }
            return all.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void hundredConcurrentStreamsOfOneMebibyte() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            echoServer(p.listener);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 100; i++) {
                    long seed = i;
                    all.add(CompletableFuture.runAsync(() -> {
                        try {
                            byte[] data = random(seed, MIB);
                            assertArrayEquals(sha256(data), sha256(echo(p.dialer, data)));
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }, pool));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
            }
            await("streams cleaned up", () -> p.dialer.streamCount() == 0);
        }
    }

    /**
     * A clock that advances by a fixed step per reading, so that durations count readings and
     * not wall time: the test decides what looks fast and what looks slow.
     */
    private static final class SteppingClock implements java.util.function.LongSupplier {
        private final AtomicLong now = new AtomicLong();
        private final AtomicLong step = new AtomicLong(1);

        @Override
        public long getAsLong() {
            return now.addAndGet(step.get());
        }
    }

    /**
     * Sends {@code size} bytes over one stream after measuring the RTT with a clock step of one
     * nanosecond, then with readings {@code clockStep} apart; returns the receiver's final window.
     */
    private static long transfer(long clockStep, int size) throws Exception {
        ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1);
        try {
            SteppingClock clock = new SteppingClock();
            Yamux yamux = new Yamux(quiet(), timers, clock);
            try (SessionPair p = new SessionPair(yamux)) {
                // An answered ping gives the receiver its RTT before any window update.
                p.listener.ping(Duration.ofSeconds(30));
                p.dialer.ping(Duration.ofSeconds(30));
                clock.step.set(clockStep);
                byte[] data = random(7, size);
                MuxedStream out = p.dialer.openStream();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        out.out().write(data);
                        out.closeWrite();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                YamuxStream in = p.listener.acceptStream();
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[64 * KIB];
                long total = 0;
                int n;
                while ((n = in.in().read(buf)) > 0) {
                    md.update(buf, 0, n);
                    total += n;
                }
                assertTrue(writer.join(Duration.ofSeconds(60)));
                assertEquals(size, total);
                assertArrayEquals(sha256(data), md.digest());
                return in.receiveWindow();
            }
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void receiveWindowGrowsWhenConsumedFasterThanRtt() throws Exception {
        // The RTT is a few readings of 1 ns; each window epoch is one or two readings.
        long window = transfer(1, 64 * MIB);
        assertTrue(window > YamuxConfig.SPEC_INITIAL_WINDOW, "window grew: " + window);
        assertEquals(16 * MIB, window);
    }

    @Test
    void receiveWindowStaysWhenConsumptionIsSlowerThanRtt() throws Exception {
        // The RTT is a few nanoseconds but readings are now a second apart: every epoch is slow.
        long window = transfer(1_000_000_000L, 4 * MIB);
        assertEquals(YamuxConfig.SPEC_INITIAL_WINDOW, window);
    }

    @Test
    void halfCloseBothWays() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            YamuxStream a = p.dialer.openStream();
            a.out().write(new byte[] {1, 2, 3});
            a.closeWrite();
            a.closeWrite(); // idempotent
            assertThrows(IOException.class, () -> a.out().write(4));
            YamuxStream b = p.listener.acceptStream();
            assertArrayEquals(new byte[] {1, 2, 3}, b.in().readAllBytes());
            // The listener can still write after the dialer half-closed.
            b.out().write(new byte[] {9, 8});
            assertArrayEquals(new byte[] {9, 8}, a.in().readNBytes(2));
            assertEquals(1, p.dialer.streamCount());
            b.closeWrite();
            assertEquals(-1, a.in().read());
            await("stream finished on both sides", () -> p.dialer.streamCount() == 0 && p.listener.streamCount() == 0);

            // The other way round: the listener half-closes first.
            YamuxStream c = p.dialer.openStream();
            c.out().write(5);
            YamuxStream d = p.listener.acceptStream();
            d.closeWrite();
            assertEquals(-1, c.in().read());
            c.out().write(6);
            assertEquals(5, d.in().read());
            assertEquals(6, d.in().read());
            c.closeWrite();
            assertEquals(-1, d.in().read());
        }
    }

    @Test
    void closeStopsReadingButLetsTheRemoteFinish() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            YamuxStream a = p.dialer.openStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    a.out().write(new byte[4 * MIB]); // far more than one window
                    a.closeWrite();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            YamuxStream b = p.listener.acceptStream();
            assertEquals(0, b.in().read());
            b.close();
            assertThrows(IOException.class, () -> b.in().read());
            // Discarded bytes still return credit, so the writer finishes; the FIN reaches it.
            assertTrue(writer.join(Duration.ofSeconds(60)), "writer finished");
            assertEquals(-1, a.in().read());
            await("stream finished on both sides", () -> p.dialer.streamCount() == 0 && p.listener.streamCount() == 0);
        }
    }

    @Test
    void closeWriteFailsAWriterWaitingForCredit() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            YamuxStream a = p.dialer.openStream();
            CompletableFuture<Throwable> writer = failureOf(() -> a.out().write(new byte[MIB]));
            await("writer out of credit", () -> a.sendWindow() == 0);
            a.closeWrite();
            Throwable t = writer.get(30, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, t);
            assertFalse(t instanceof StreamResetException);
            YamuxStream b = p.listener.acceptStream();
            // What was sent arrives, then the FIN.
            assertEquals(YamuxConfig.SPEC_INITIAL_WINDOW, b.in().readAllBytes().length);
        }
    }

    @Test
    void configDefaultsMatchGoYamux() {
        YamuxConfig c = YamuxConfig.defaults();
        assertEquals(256 * KIB, c.initialStreamWindow());
        assertEquals(16 * MIB, c.maxStreamWindow());
        assertEquals(1000, c.maxIncomingStreams());
        assertEquals(256, c.acceptBacklog());
        assertEquals(64 * KIB, c.maxFrameData());
        assertEquals(Duration.ofSeconds(30), c.keepAliveInterval());
        assertTrue(c.keepAliveEnabled());
        assertFalse(quiet().keepAliveEnabled());
        assertThrows(IllegalArgumentException.class, () -> c.withMaxStreamWindow(KIB));
        assertThrows(IllegalArgumentException.class, () -> c.withStreamLimits(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> c.withMaxFrameData(0));
        assertThrows(IllegalArgumentException.class, () -> c.withKeepAlive(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
        assertEquals("/yamux/1.0.0", new Yamux(c).protocolId());
    }

    @Test
    void resetByDialerReachesListener() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            YamuxStream a = p.dialer.openStream();
            a.out().write(1);
            YamuxStream b = p.listener.acceptStream();
            assertEquals(1, b.in().read());
            a.reset();
            a.reset(); // idempotent
            StreamResetException remote = assertThrows(StreamResetException.class, () -> b.in().read());
            assertTrue(remote.byRemote());
            StreamResetException local = assertThrows(StreamResetException.class, () -> a.out().write(2));
            assertFalse(local.byRemote());
            assertThrows(StreamResetException.class, () -> b.out().write(3));
            await("reset streams removed", () -> p.dialer.streamCount() == 0 && p.listener.streamCount() == 0);
        }
    }

    @Test
    void whatARemoteSentBeforeItsResetIsReadBeforeTheReset() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            YamuxStream a = p.dialer.openStream();
            a.out().write(new byte[] {1, 2, 3});
            a.out().flush();
            YamuxStream b = p.listener.acceptStream();
            await("the data has arrived", () -> available(b) == 3);
            // rust-libp2p writes its last message and drops the stream, which resets it
            a.reset();
            await("the reset has arrived", () -> p.listener.streamCount() == 0);
            assertEquals(3, b.in().available());
            assertArrayEquals(new byte[] {1, 2, 3}, b.in().readNBytes(3));
            StreamResetException after = assertThrows(StreamResetException.class, () -> b.in().read());
            assertTrue(after.byRemote());
            assertThrows(StreamResetException.class, () -> b.in().available());
            assertThrows(StreamResetException.class, () -> b.out().write(4), "writes fail at once");

            YamuxStream c = p.dialer.openStream();
            c.out().write(new byte[] {5, 6});
            c.out().flush();
            YamuxStream d = p.listener.acceptStream();
            await("the data has arrived", () -> available(d) == 2);
            c.reset();
            await("the reset has arrived", () -> p.listener.streamCount() == 0);
            d.in().close(); // closing the reading side gives the unread data back
            assertThrows(StreamResetException.class, () -> d.in().available());
        }
    }

    private static int available(YamuxStream s) {
        try {
            return s.in().available();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void resetByListenerWakesBlockedReaderAndWriter() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            YamuxStream a = p.dialer.openStream();
            a.out().write(new byte[YamuxConfig.SPEC_INITIAL_WINDOW]); // exactly the window: next write blocks
            YamuxStream b = p.listener.acceptStream();
            CompletableFuture<Throwable> reader = failureOf(() -> a.in().read());
            CompletableFuture<Throwable> writer = failureOf(() -> a.out().write(1));
            await("writer out of credit", () -> a.sendWindow() == 0, () -> "window " + a.sendWindow()
                    + " reader " + reader + " writer " + writer + " " + p.dialer.closeCause() + " " + p.listener.closeCause());
            b.reset();
            StreamResetException r = assertInstanceOf(StreamResetException.class, reader.get(30, TimeUnit.SECONDS));
            assertTrue(r.byRemote());
            StreamResetException w = assertInstanceOf(StreamResetException.class, writer.get(30, TimeUnit.SECONDS));
            assertTrue(w.byRemote());
            // The session itself is fine.
            assertFalse(p.dialer.isClosed());
            p.dialer.ping(Duration.ofSeconds(30));
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static CompletableFuture<Throwable> failureOf(Action action) {
        CompletableFuture<Throwable> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                action.run();
                f.complete(null);
            } catch (Throwable t) {
                f.complete(t);
            }
        });
        return f;
    }

    @Test
    void pingMeasuresRtt() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            Duration rtt = p.dialer.ping(Duration.ofSeconds(30));
            assertTrue(rtt.toNanos() > 0);
            assertTrue(p.dialer.rttNanos() > 0);
            assertTrue(p.listener.ping(Duration.ofSeconds(30)).toNanos() > 0);
        }
    }

    @Test
    void creditReturnsOnlyAfterTheApplicationReads() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet()))) {
            byte[] data = random(3, MIB);
            YamuxStream a = p.dialer.openStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    a.out().write(data);
                    a.closeWrite();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            YamuxStream b = p.listener.acceptStream();
            int window = YamuxConfig.SPEC_INITIAL_WINDOW;
            await("exactly one window buffered", () -> available(b.in()) == window);
            await("writer stalled", () -> a.sendWindow() == 0);
            assertTrue(writer.isAlive());

            // Less than half a window read: no update yet. A ping round trip from the listener
            // is a barrier: any update it had queued would reach the dialer before the pong.
            byte[] got = new byte[MIB];
            int off = b.in().readNBytes(got, 0, window / 2 - 1);
            p.listener.ping(Duration.ofSeconds(30));
            assertEquals(0, a.sendWindow());
            assertEquals(window - off, available(b.in()));

            // One more byte crosses half the window: the credit goes back in one update.
            off += b.in().readNBytes(got, off, 1);
            await("writer resumed", () -> !writer.isAlive() || a.sendWindow() > 0 || available(b.in()) > window / 2);
            off += b.in().readNBytes(got, off, MIB - off);
            assertTrue(writer.join(Duration.ofSeconds(30)));
            assertArrayEquals(data, got);
            assertEquals(-1, b.in().read());
        }
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void excessInboundStreamsAreReset() throws Exception {
        Yamux small = new Yamux(quiet().withStreamLimits(3, 1000, 256));
        try (SessionPair p = new SessionPair(new Yamux(quiet()), small)) {
            List<YamuxStream> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                YamuxStream s = p.dialer.openStream();
                s.out().write(i);
                opened.add(s);
            }
            StreamResetException e = assertThrows(StreamResetException.class, () -> opened.get(3).in().read());
            assertTrue(e.byRemote());
            for (int i = 0; i < 3; i++) {
                YamuxStream in = p.listener.acceptStream();
                assertEquals(i, in.in().read());
                in.out().write(10 + i);
                assertEquals(10 + i, opened.get(i).in().read());
            }
        }
    }

    @Test
    void unacceptedStreamsBeyondTheBacklogAreReset() throws Exception {
        Yamux small = new Yamux(quiet().withStreamLimits(1000, 1000, 2));
        try (SessionPair p = new SessionPair(new Yamux(quiet()), small)) {
            List<YamuxStream> opened = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                YamuxStream s = p.dialer.openStream();
                s.out().write(i);
                opened.add(s);
            }
            assertThrows(StreamResetException.class, () -> opened.get(2).in().read());
            assertEquals(0, p.listener.acceptStream().in().read());
            // Accepting made room in the backlog.
            YamuxStream later = p.dialer.openStream();
            later.out().write(7);
            assertEquals(1, p.listener.acceptStream().in().read());
            assertEquals(7, p.listener.acceptStream().in().read());
        }
    }

    @Test
    void outboundStreamCapIsEnforced() throws Exception {
        try (SessionPair p = new SessionPair(new Yamux(quiet().withStreamLimits(1000, 2, 256)))) {
            YamuxStream a = p.dialer.openStream();
            p.dialer.openStream();
            YamuxException e = assertThrows(YamuxException.class, p.dialer::openStream);
            assertEquals(YamuxException.Reason.STREAM_LIMIT, e.reason());
            a.reset();
            p.dialer.openStream();
        }
    }

    @Test
    void closeWakesEveryoneAndSendsGoAway() throws Exception {
        SessionPair p = new SessionPair(new Yamux(quiet()));
        YamuxStream a = p.dialer.openStream();
        a.out().write(1);
        YamuxStream b = p.listener.acceptStream();
        CompletableFuture<Throwable> dialerReader = failureOf(() -> a.in().read());
        CompletableFuture<Throwable> listenerReader = failureOf(() -> {
            assertEquals(1, b.in().read());
            b.in().read();
        });
        CompletableFuture<Throwable> acceptor = failureOf(() -> assertNull(p.listener.acceptStream()));
        YamuxStream stalled = p.listener.openStream(); // the dialer never accepts it
        CompletableFuture<Throwable> blockedWriter = failureOf(() -> stalled.out().write(new byte[MIB]));
        await("writer out of credit", () -> stalled.sendWindow() == 0);
        p.dialer.close();
        p.dialer.close(); // idempotent
        assertTrue(p.dialer.isClosed());
        assertEquals(YamuxException.Reason.CLOSED_LOCALLY, p.dialer.closeCause().reason());
        StreamResetException e = assertInstanceOf(StreamResetException.class, dialerReader.get(30, TimeUnit.SECONDS));
        assertInstanceOf(YamuxException.class, e.getCause());
        assertInstanceOf(StreamResetException.class, listenerReader.get(30, TimeUnit.SECONDS));
        assertNull(acceptor.get(30, TimeUnit.SECONDS));
        assertInstanceOf(StreamResetException.class, blockedWriter.get(30, TimeUnit.SECONDS));
        await("listener saw the close", p.listener::isClosed);
        assertNull(p.dialer.acceptStream());
        YamuxException open = assertThrows(YamuxException.class, p.dialer::openStream);
        assertEquals(YamuxException.Reason.CLOSED_LOCALLY, open.reason());
        assertThrows(StreamResetException.class, () -> a.out().write(2));
        a.close(); // closing a stream of a closed session is quiet
        p.close();
    }

    @Test
    void keepAlivePingsAndNoThreadsLeak() throws Exception {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        timers.setRemoveOnCancelPolicy(true);
        try {
            Yamux yamux = new Yamux(YamuxConfig.defaults().withKeepAlive(Duration.ofMillis(5), Duration.ofSeconds(30)),
                    timers, System::nanoTime);
            List<SessionPair> pairs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pairs.add(new SessionPair(yamux));
            }
            for (SessionPair p : pairs) {
                byte[] reply = echoOnce(p);
                assertArrayEquals(new byte[] {42}, reply);
            }
            for (SessionPair p : pairs) {
                p.close(); // joins read loops and flushers
            }
            await("timers cancelled", () -> timers.getQueue().isEmpty());
        } finally {
            timers.shutdownNow();
        }
    }

    private static byte[] echoOnce(SessionPair p) throws Exception {
        echoServer(p.listener);
        try {
            return echo(p.dialer, new byte[] {42});
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    @Test
    void defaultSchedulerThreadGoesAwayWhenIdle() throws Exception {
        Yamux yamux = new Yamux(YamuxConfig.defaults());
        try (SessionPair p = new SessionPair(yamux)) {
            assertArrayEquals(new byte[] {42}, echoOnce(p));
        }
        ScheduledThreadPoolExecutor timers = (ScheduledThreadPoolExecutor) yamux.scheduler();
        await("no timers left", () -> timers.getQueue().isEmpty());
        await("timer thread exited", () -> timers.getPoolSize() == 0);
    }
}
