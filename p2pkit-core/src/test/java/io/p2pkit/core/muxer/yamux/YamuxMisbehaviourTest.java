package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.memory.MemoryConnection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.p2pkit.core.muxer.yamux.FrameHeader.ACK;
import static io.p2pkit.core.muxer.yamux.FrameHeader.DATA;
import static io.p2pkit.core.muxer.yamux.FrameHeader.FIN;
import static io.p2pkit.core.muxer.yamux.FrameHeader.GO_AWAY;
import static io.p2pkit.core.muxer.yamux.FrameHeader.PING;
import static io.p2pkit.core.muxer.yamux.FrameHeader.RST;
import static io.p2pkit.core.muxer.yamux.FrameHeader.SYN;
import static io.p2pkit.core.muxer.yamux.FrameHeader.WINDOW_UPDATE;
import static io.p2pkit.core.muxer.yamux.SessionPair.await;
import static io.p2pkit.core.muxer.yamux.SessionPair.quiet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The remote breaks the rules; each case ends in a stream reset or a closed session with a typed error. */
class YamuxMisbehaviourTest {
    private static final Yamux QUIET = new Yamux(quiet());

    private static void assertProtocolError(RawPeer peer) throws Exception {
        assertEquals(FrameHeader.GO_AWAY_PROTOCOL_ERROR, peer.expectGoAway());
        await("session closed", peer.session::isClosed);
        assertEquals(YamuxException.Reason.PROTOCOL_ERROR, peer.session.closeCause().reason());
        SessionPair.joinAll(peer.session);
    }

    @Test
    void badVersionIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.sendRaw(HexFormat.of().parseHex("010000010000000100000000"));
            assertProtocolError(peer);
        }
    }

    @Test
    void unknownTypeIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.sendRaw(HexFormat.of().parseHex("000400010000000100000000"));
            assertProtocolError(peer);
        }
    }

    @Test
    void garbageIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            byte[] junk = new byte[64];
            Arrays.fill(junk, (byte) 0xFF);
            peer.sendRaw(junk);
            assertProtocolError(peer);
        }
    }

    @Test
    void sendingBeyondTheWindowIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.sendData(SYN, 1, new byte[YamuxConfig.SPEC_INITIAL_WINDOW]); // exactly the window: fine
            MuxedStream s = peer.session.acceptStream();
            // Nothing read, so no credit returned: one more byte is over the limit.
            peer.sendData(0, 1, new byte[1]);
            assertProtocolError(peer);
            StreamResetException e = assertThrows(StreamResetException.class, () -> s.in().read());
            assertEquals(YamuxException.Reason.PROTOCOL_ERROR, ((YamuxException) e.getCause()).reason());
        }
    }

    @Test
    void dataOnANeverOpenedStreamIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.sendData(0, 7, new byte[] {1});
            assertProtocolError(peer);
        }
    }

    @Test
    void dataForOurNeverOpenedStreamIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(WINDOW_UPDATE, 0, 2, 10);
            assertProtocolError(peer);
        }
    }

    @Test
    void oversizedLengthIsRejectedBeforeReadingIt() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(DATA, SYN, 1, 0xFFFF_FFFFL);
            assertProtocolError(peer);
        }
    }

    @Test
    void streamFrameOnStreamZeroIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(WINDOW_UPDATE, SYN, 0, 0);
            assertProtocolError(peer);
        }
    }

    @Test
    void synWithOurParityIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(WINDOW_UPDATE, SYN, 2, 0);
            assertProtocolError(peer);
        }
    }

    @Test
    void duplicateSynIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(WINDOW_UPDATE, SYN, 1, 0);
            peer.send(WINDOW_UPDATE, SYN, 1, 0);
            assertProtocolError(peer);
        }
    }

    @Test
    void windowOverflowIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(WINDOW_UPDATE, SYN, 1, 0xFFFF_FFFFL);
            assertProtocolError(peer);
        }
    }

    @Test
    void vanishingPeerClosesTheSessionAndWakesReaders() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(WINDOW_UPDATE, SYN, 1, 0);
            MuxedStream s = peer.session.acceptStream();
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    s.in().read();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            peer.sendRaw(new byte[] {0, 0, 0}); // and then gone, inside a header
            peer.raw.close();
            StreamResetException e = assertInstanceOf(StreamResetException.class, reader.get(30, TimeUnit.SECONDS));
            assertFalse(e.byRemote());
            await("session closed", peer.session::isClosed);
            assertEquals(YamuxException.Reason.CONNECTION_LOST, peer.session.closeCause().reason());
            assertNull(peer.session.acceptStream());
            SessionPair.joinAll(peer.session);
        }
    }

    @Test
    void acceptSendsAck() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(WINDOW_UPDATE, SYN, 1, 0);
            MuxedStream s = peer.session.acceptStream();
            assertEquals(1, s.id());
            RawPeer.Frame ack = peer.next();
            assertEquals(new FrameHeader(WINDOW_UPDATE, ACK, 1, 0), ack.header());
        }
    }

    @Test
    void openedStreamSendsSynWithItsFirstData() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            MuxedStream s = peer.session.openStream();
            assertEquals(2, s.id()); // the listener uses even IDs
            s.out().write(new byte[] {7, 8});
            RawPeer.Frame f = peer.next();
            assertEquals(new FrameHeader(DATA, SYN, 2, 2), f.header());
            assertArrayEquals(new byte[] {7, 8}, f.payload());

            // A stream whose opener reads first announces itself with a WindowUpdate.
            MuxedStream t = peer.session.openStream();
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return t.in().read();
                } catch (IOException e) {
                    return -2;
                }
            });
            assertEquals(new FrameHeader(WINDOW_UPDATE, SYN, 4, 0), peer.next().header());
            peer.sendData(ACK | FIN, 4, new byte[] {5});
            assertEquals(5, read.get(30, TimeUnit.SECONDS));
            assertEquals(-1, t.in().read());

            // FIN of a stream that never sent anything carries the SYN too.
            peer.session.openStream().closeWrite();
            assertEquals(new FrameHeader(WINDOW_UPDATE, SYN | FIN, 6, 0), peer.next().header());
        }
    }

    @Test
    void pingIsAnsweredWithTheSameOpaqueValue() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(PING, SYN, 0, 0xDEADBEEFL);
            assertEquals(new FrameHeader(PING, ACK, 0, 0xDEADBEEFL), peer.next().header());
        }
    }

    @Test
    void goAwayStopsNewStreamsButNotOpenOnes() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.sendData(SYN, 1, new byte[] {1});
            MuxedStream s = peer.session.acceptStream();
            assertEquals(new FrameHeader(WINDOW_UPDATE, ACK, 1, 0), peer.next().header());
            peer.send(GO_AWAY, 0, 0, FrameHeader.GO_AWAY_NORMAL);
            peer.sendData(0, 1, new byte[] {2});
            assertEquals(1, s.in().read());
            assertEquals(2, s.in().read()); // the GoAway came first and the stream still works
            YamuxException e = assertThrows(YamuxException.class, peer.session::openStream);
            assertEquals(YamuxException.Reason.REMOTE_GO_AWAY, e.reason());
            s.out().write(3);
            assertEquals(new FrameHeader(DATA, 0, 1, 1), peer.next().header());
            assertFalse(peer.session.isClosed());
        }
    }

    @Test
    void goAwayWithAnErrorCodeClosesTheSession() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.send(GO_AWAY, 0, 0, FrameHeader.GO_AWAY_INTERNAL_ERROR);
            await("session closed", peer.session::isClosed);
            assertEquals(YamuxException.Reason.REMOTE_GO_AWAY, peer.session.closeCause().reason());
        }
    }

    @Test
    void dataAfterFinResetsOnlyThatStream() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            peer.sendData(SYN | FIN, 1, new byte[] {1});
            MuxedStream s = peer.session.acceptStream();
            peer.sendData(0, 1, new byte[] {2});
            RawPeer.Frame f;
            do {
                f = peer.next();
            } while (f.header().has(ACK));
            assertEquals(new FrameHeader(WINDOW_UPDATE, RST, 1, 0), f.header());
            assertThrows(StreamResetException.class, () -> s.in().read());
            peer.send(PING, SYN, 0, 5);
            assertEquals(new FrameHeader(PING, ACK, 0, 5), peer.next().header());
            assertFalse(peer.session.isClosed());
        }
    }

    @Test
    void dataForAStreamWeResetIsDiscarded() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            MuxedStream s = peer.session.openStream();
            s.out().write(1);
            assertEquals(new FrameHeader(DATA, SYN, 2, 1), peer.next().header());
            s.reset();
            assertEquals(new FrameHeader(WINDOW_UPDATE, RST, 2, 0), peer.next().header());
            peer.sendData(ACK, 2, new byte[1000]); // was in flight
            peer.send(PING, SYN, 0, 6);
            assertEquals(new FrameHeader(PING, ACK, 0, 6), peer.next().header());
            assertFalse(peer.session.isClosed());
        }
    }

    @Test
    void aFloodOfStreamsIsCutAtTheBacklog() throws Exception {
        try (RawPeer peer = new RawPeer(QUIET)) {
            int flood = 1000;
            for (int i = 0; i < flood; i++) {
                peer.send(WINDOW_UPDATE, SYN, 2L * i + 1, 0);
            }
            int resets = 0;
            while (resets < flood - 256) {
                RawPeer.Frame f = peer.next();
                assertEquals(RST, f.header().flags());
                assertTrue(f.header().streamId() > 2 * 256, "only streams beyond the backlog are reset");
                resets++;
            }
            assertEquals(1, peer.session.acceptStream().id());
            peer.send(PING, SYN, 0, 9);
            RawPeer.Frame f;
            do {
                f = peer.next();
            } while (f.header().type() != PING);
            assertEquals(9, f.header().length());
        }
    }

    @Test
    void unansweredKeepAliveClosesTheSession() throws Exception {
        Yamux yamux = new Yamux(YamuxConfig.defaults().withKeepAlive(Duration.ofMillis(10), Duration.ofMillis(200)));
        try (RawPeer peer = new RawPeer(yamux)) {
            // Keep-alive pings arrive; answering them keeps the session up.
            for (int answered = 0; answered < 3; ) {
                RawPeer.Frame f = peer.nextAny();
                if (f.header().type() == PING && f.header().has(SYN)) {
                    if (f.header().length() > 1) { // 1 is the RTT probe sent at start
                        peer.send(PING, ACK, 0, f.header().length());
                        answered++;
                    }
                }
            }
            assertEquals(FrameHeader.GO_AWAY_INTERNAL_ERROR, peer.expectGoAway());
            assertEquals(YamuxException.Reason.KEEPALIVE_TIMEOUT, peer.session.closeCause().reason());
        }
    }

    /**
     * A pong that is late while the remote keeps sending other frames (on a busy machine, a pong
     * queued behind a backlog) does not close the session: keep-alive is about dead connections.
     * Once the remote goes quiet too, the unanswered ping closes it.
     */
    @Test
    void lateKeepAlivePongWithTrafficKeepsTheSession() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        Yamux yamux = new Yamux(YamuxConfig.defaults().withKeepAlive(Duration.ofMillis(10), timeout));
        try (RawPeer peer = new RawPeer(yamux)) {
            long firstUnanswered = 0;
            int own = 1000;
            // Ping-pong with our own pings, never answering the session's keep-alive pings, until
            // three timeouts have passed since the first keep-alive ping arrived.
            while (firstUnanswered == 0 || System.nanoTime() - firstUnanswered < 3 * timeout.toNanos()) {
                peer.send(PING, SYN, 0, ++own);
                RawPeer.Frame f;
                do {
                    f = peer.nextAny();
                    assertNotNull(f, "the session closed while frames were flowing");
                    if (f.header().type() == PING && f.header().has(SYN) && f.header().length() > 1
                            && firstUnanswered == 0) {
                        firstUnanswered = System.nanoTime(); // 1 is the RTT probe sent at start
                    }
                } while (!(f.header().type() == PING && f.header().has(ACK) && f.header().length() == own));
                assertNull(peer.session.closeCause());
            }
            // Silence: now the unanswered ping closes the session.
            assertEquals(FrameHeader.GO_AWAY_INTERNAL_ERROR, peer.expectGoAway());
            assertEquals(YamuxException.Reason.KEEPALIVE_TIMEOUT, peer.session.closeCause().reason());
        }
    }

    /**
     * The remote answers the keep-alive ping in time, but our read loop is runnable and gets no
     * carrier for several timeouts (a busy machine with many connections): the session stays up
     * and reads the pong once it runs. It used to send GoAway (internal error) here.
     */
    @Test
    void readLoopBehindIsNoKeepAliveTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(200);
        Yamux yamux = new Yamux(YamuxConfig.defaults().withKeepAlive(Duration.ofMillis(10), timeout));
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * 1024);
        AtomicBoolean behind = new AtomicBoolean(true);
        YamuxSession session = yamux.wrap(new BehindReader(pair.responder(), behind), false);
        InputStream in = pair.initiator().in();
        OutputStream out = pair.initiator().out();
        // The remote answers every ping at once, the RTT probe and each keep-alive, until the end
        // (a remote that stopped answering after our read loop caught up would rightly time out).
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Exception> answererEnd = new java.util.concurrent.atomic.AtomicReference<>();
        Thread answerer = Thread.ofVirtual().name("yamux-test-pong").start(() -> {
            try {
                while (true) {
                    FrameHeader h = FrameHeader.decode(in.readNBytes(FrameHeader.SIZE), 0);
                    if (h.type() == PING && h.has(SYN)) {
                        out.write(new FrameHeader(PING, ACK, 0, h.length()).encode());
                        out.flush();
                        answered.incrementAndGet();
                    } else if (h.type() == DATA) {
                        in.skipNBytes(h.length());
                    }
                }
            } catch (IOException | RuntimeException e) {
                answererEnd.set(e); // the pair closed at the end of the test
            }
        });
        try {
            await("the RTT probe and the first keep-alive answered", () -> answered.get() >= 2);
            long end = System.nanoTime() + 4 * timeout.toNanos();
            Await.until("four keep-alive timeouts with the read loop behind",
                    () -> System.nanoTime() > end || session.isClosed(), Duration.ofSeconds(30));
            assertNull(session.closeCause(), "closed while its own read loop was behind");
            behind.set(false);
            await("the pongs read", () -> session.rttNanos() > 0);
            assertNull(session.closeCause());
        } finally {
            behind.set(false);
            pair.initiator().close();
            session.close();
            SessionPair.joinAll(session);
            assertTrue(answerer.join(Duration.ofSeconds(30)), "the answerer ends with the pair: " + answererEnd.get());
        }
    }

    /**
     * One large Data frame trickling in for several keep-alive timeouts, the pings unanswered:
     * the remote is alive, since bytes keep arriving, though no new frame header does.
     */
    @Test
    void slowLargeFrameIsNoKeepAliveTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        Yamux yamux = new Yamux(YamuxConfig.defaults().withKeepAlive(Duration.ofMillis(10), timeout));
        try (RawPeer peer = new RawPeer(yamux)) {
            int pieces = 20;
            byte[] piece = new byte[8 * 1024];
            peer.send(DATA, SYN, 1, (long) pieces * piece.length);
            for (int i = 0; i < pieces; i++) {
                long next = System.nanoTime() + timeout.toNanos() / 3;
                Await.until("a third of the timeout", () -> System.nanoTime() > next, Duration.ofSeconds(30));
                Arrays.fill(piece, (byte) i);
                peer.sendRaw(piece);
                assertNull(peer.session.closeCause(), "closed while the frame was arriving");
            }
            MuxedStream s = peer.session.acceptStream();
            byte[] got = s.in().readNBytes(pieces * piece.length);
            assertEquals(pieces * piece.length, got.length);
            assertEquals(pieces - 1, got[got.length - 1]);
            assertNull(peer.session.closeCause());
        }
    }

    /** A connection whose reader stays runnable without reading while {@code behind} is set. */
    private record BehindReader(MemoryConnection raw, AtomicBoolean behind) implements RawConnection {
        @Override
        public InputStream in() {
            InputStream in = raw.in();
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    waitTurn();
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    waitTurn();
                    return in.read(b, off, len);
                }

                private void waitTurn() {
                    while (behind.get()) {
                        // runnable, like a woken thread waiting for a carrier; spinning rather than
                        // yielding: one full run saw the verdict find this thread not RUNNABLE while
                        // it yielded (not understood), which is no state a reader behind is in
                        Thread.onSpinWait();
                    }
                }
            };
        }

        @Override
        public OutputStream out() {
            return raw.out();
        }

        @Override
        public void closeWrite() throws IOException {
            raw.closeWrite();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    @Test
    void otherSessionsKeepWorking() throws Exception {
        Yamux shared = new Yamux(quiet());
        try (RawPeer bad = new RawPeer(shared); SessionPair good = new SessionPair(shared)) {
            bad.sendRaw(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
            assertProtocolError(bad);
            MuxedStream s = good.dialer.openStream();
            s.out().write(42);
            assertEquals(42, good.listener.acceptStream().in().read());
            assertTrue(good.dialer.ping(Duration.ofSeconds(30)).toNanos() > 0);
        }
    }
}
