package io.p2pkit.core.multistream;

import io.p2pkit.testing.Vectors;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultistreamTest {
    private static final long WAIT = 30;
    private static ScheduledExecutorService scheduler;
    private final Multistream mss = new Multistream();
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void startScheduler() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.shutdownNow();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS));
        return e.getCause();
    }

    /**
     * A large first write on a lazy stream must not hold up the reader: the listener echoes, so
     * the writer only gets through once the dialer reads (regression: the whole write used to go
     * out under the negotiation lock, which the first read needs).
     */
    @Test
    void largeFirstLazyWriteDoesNotBlockTheReader() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair(4096);
        byte[] data = new byte[1 << 20];
        new java.util.SplittableRandom(7).nextBytes(data);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> listener = pool.submit(() -> {
                Duplex d = Duplex.of(p.responder());
                new Multistream().negotiate(d, Set.of("/echo"));
                d.in().transferTo(d.out());
                p.responder().closeWrite();
                return null;
            });
            LazySelection lazy = new Multistream().selectLazily(Duplex.of(p.initiator()), List.of("/echo"));
            Future<?> writer = pool.submit(() -> {
                lazy.out().write(data);
                lazy.out().flush();
                p.initiator().closeWrite();
                return null;
            });
            assertArrayEquals(data, lazy.in().readAllBytes());
            writer.get(30, TimeUnit.SECONDS);
            listener.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void naAndLsHaveTheirWellKnownEncodings() {
        assertArrayEquals(hex("036e610a"), Message.encode(Multistream.NOT_AVAILABLE));
        assertArrayEquals(hex("036c730a"), Message.encode(Multistream.LIST));
    }

    @ParameterizedTest
    @CsvSource({"mss-noise, /noise", "mss-tls, /tls/1.0.0", "mss-plaintext, /plaintext/2.0.0"})
    void dialerSendsExactlyTheBytesKuboExpects(String file, String protocol) throws Exception {
        byte[] expected = Vectors.bytes("ipfs-kubo/test/sharness/t0060-data/" + file);
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> chosen = pool.submit(() -> mss.select(Duplex.of(p.initiator()), List.of(protocol)));
        byte[] sent = p.responder().in().readNBytes(expected.length);
        assertArrayEquals(expected, sent);
        // the same bytes, answered by our listener, agree on the protocol
        p.responder().out().write(Message.encodeAll(List.of(Multistream.PROTOCOL_ID, protocol)));
        assertEquals(protocol, get(chosen));
    }

    @ParameterizedTest
    @CsvSource({"mss-noise, /noise", "mss-tls, /tls/1.0.0", "mss-plaintext, /plaintext/2.0.0"})
    void listenerAcceptsKuboDialerBytes(String file, String protocol) throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(Vectors.bytes("ipfs-kubo/test/sharness/t0060-data/" + file));
        String chosen = mss.negotiate(Duplex.of(p.responder()), List.of("/yamux/1.0.0", protocol));
        assertEquals(protocol, chosen);
        p.responder().closeWrite();
        assertArrayEquals(Message.encodeAll(List.of(Multistream.PROTOCOL_ID, protocol)),
                p.initiator().in().readAllBytes());
    }

    @Test
    void dialerFallsBackToLaterProposals() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), List.of("/b", "/c")));
        assertEquals("/b", mss.select(Duplex.of(p.initiator()), List.of("/a", "/b", "/c")));
        assertEquals("/b", get(listener));
        // the connection carries application data afterwards
        p.initiator().out().write(7);
        assertEquals(7, p.responder().in().read());
    }

    @Test
    void noCommonProtocolListsProposalsAndAnswers() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), List.of("/x")));
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> mss.select(Duplex.of(p.initiator()), List.of("/a", "/b")));
        assertEquals(List.of("/a", "/b"), e.proposed());
        assertEquals(List.of("na", "na"), e.answers());
        assertTrue(e.getMessage().contains("/a"), e.getMessage());
        assertFalse(e.timedOut());
        p.initiator().close();
        assertInstanceOf(NegotiationException.class, failureOf(listener));
    }

    @Test
    void lsListsTheAdvertisedProtocols() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()),
                s -> s.startsWith("/ipfs/"), List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0")));
        assertEquals(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"), mss.list(Duplex.of(p.initiator())));
        // after ls the dialer can still propose
        p.initiator().out().write(Message.encode("/ipfs/ping/1.0.0"));
        assertEquals("/ipfs/ping/1.0.0", get(listener));
        assertEquals("/ipfs/ping/1.0.0", Message.read(p.initiator().in()));
    }

    @Test
    void lsAnswerHasTheNestedFraming() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), List.of("/a")));
        p.initiator().out().write(Message.encodeAll(List.of(Multistream.PROTOCOL_ID, "ls")));
        assertEquals(Multistream.PROTOCOL_ID, Message.read(p.initiator().in()));
        // outer length 5 = inner message "\x03/a\n" (4 bytes) + final newline
        assertArrayEquals(hex("05032f610a0a"), p.initiator().in().readNBytes(6));
        p.initiator().close();
    }

    @Test
    void listenerRejectsWrongHeader() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(Message.encode("/multistream/2.0.0"));
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> mss.negotiate(Duplex.of(p.responder()), List.of("/a")));
        assertEquals(List.of("/multistream/2.0.0"), e.answers());
    }

    @Test
    void dialerRejectsUnexpectedAnswer() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.responder().out().write(Message.encodeAll(List.of(Multistream.PROTOCOL_ID, "/other")));
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> mss.select(Duplex.of(p.initiator()), List.of("/a")));
        assertEquals(List.of("/other"), e.answers());
    }

    @ParameterizedTest
    @CsvSource({
            "03 2f 61 62, message does not end with a newline",
            "00, empty message",
            "04 ff fe fd 0a, not valid UTF-8",
            "81 08, exceeds the limit",
            "80 00, malformed multistream message length",
            "ff ff ff ff ff ff ff ff ff ff, malformed multistream message length"})
    void listenerRejectsMalformedMessages(String bytes, String reason) throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(Message.encode(Multistream.PROTOCOL_ID));
        p.initiator().out().write(hex(bytes.replace(" ", "")));
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> mss.negotiate(Duplex.of(p.responder()), List.of("/a")));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void messagesUpToTheLimitAreAccepted() throws Exception {
        String longest = "/" + "x".repeat(Message.MAX_MESSAGE_BYTES - 2);
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), List.of(longest)));
        assertEquals(longest, mss.select(Duplex.of(p.initiator()), List.of(longest)));
        assertEquals(longest, get(listener));
        assertThrows(IllegalArgumentException.class,
                () -> mss.select(Duplex.of(p.initiator()), List.of(longest + "x")));
    }

    @Test
    void listenerGivesUpAfterMaxRounds() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair(1 << 20);
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        flood.writeBytes(Message.encode(Multistream.PROTOCOL_ID));
        for (int i = 0; i <= Multistream.MAX_ROUNDS; i++) {
            flood.writeBytes(Message.encode("/nope/" + i));
        }
        p.initiator().out().write(flood.toByteArray());
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> mss.negotiate(Duplex.of(p.responder()), List.of("/a")));
        assertTrue(e.getMessage().contains("more than 32"), e.getMessage());
        assertEquals(Multistream.MAX_ROUNDS, e.proposed().size());
    }

    @Test
    void dialerVanishingMidNegotiationIsATypedError() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(Message.encode(Multistream.PROTOCOL_ID));
        p.initiator().out().write(hex("05 2f 61".replace(" ", "")));
        p.initiator().close();
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> mss.negotiate(Duplex.of(p.responder()), List.of("/a")));
        assertFalse(e.timedOut());
    }

    @Test
    void listenerVanishingIsATypedErrorForTheDialer() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.responder().close();
        assertThrows(NegotiationException.class, () -> mss.select(Duplex.of(p.initiator()), List.of("/a")));
    }

    @Test
    void silentDialerTimesOutAndTheConnectionIsClosed() throws Exception {
        Multistream timed = new Multistream(new NegotiationTimer(scheduler, Duration.ofMillis(100)));
        MemoryConnection.Pair p = MemoryConnection.pair();
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> timed.negotiate(Duplex.of(p.responder()), List.of("/a")));
        assertTrue(e.timedOut());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        // the remote sees the header and then the end of the connection
        assertEquals(Multistream.PROTOCOL_ID, Message.read(p.initiator().in()));
        assertEquals(-1, p.initiator().in().read());
    }

    @Test
    void silentListenerTimesOutForTheDialer() throws Exception {
        Multistream timed = new Multistream(new NegotiationTimer(scheduler, Duration.ofMillis(100)));
        MemoryConnection.Pair p = MemoryConnection.pair();
        NegotiationException e = assertThrows(NegotiationException.class,
                () -> timed.select(Duplex.of(p.initiator()), List.of("/a", "/b")));
        assertTrue(e.timedOut());
        assertEquals(List.of("/a"), e.proposed());
    }

    @Test
    void negotiationWithinTheDeadlineSucceeds() throws Exception {
        Multistream timed = new Multistream(new NegotiationTimer(scheduler, Duration.ofSeconds(30)));
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> timed.negotiate(Duplex.of(p.responder()), List.of("/a")));
        assertEquals("/a", timed.select(Duplex.of(p.initiator()), List.of("/a")));
        assertEquals("/a", get(listener));
        p.initiator().out().write(1); // not closed by the cancelled alarm
        assertEquals(1, p.responder().in().read());
    }

    @Test
    void lazyDialerEndsItsOutputOnlyAfterTheListenerAccepted() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        LazySelection lazy = mss.selectLazily(Duplex.of(p.initiator()), List.of("/perf/1.0.0"));
        lazy.out().write(new byte[] {1, 2, 3});
        Future<?> closing = pool.submit(() -> {
            lazy.out().close();
            return null;
        });
        byte[] pipelined = Message.encodeAll(List.of(Multistream.PROTOCOL_ID, "/perf/1.0.0"));
        assertArrayEquals(pipelined, p.responder().in().readNBytes(pipelined.length));
        assertArrayEquals(new byte[] {1, 2, 3}, p.responder().in().readNBytes(3));
        // the dialer holds its end back while the listener has not answered
        assertFalse(closing.isDone());
        p.responder().out().write(pipelined);
        get(closing);
        assertEquals(-1, p.responder().in().read());
        assertEquals("/perf/1.0.0", lazy.protocol());
    }

    @Test
    void lazyDialerPipelinesHeaderProposalAndDataInOneWrite() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        LazySelection lazy = mss.selectLazily(Duplex.of(p.initiator()), List.of("/echo/1.0.0"));
        lazy.out().write("hello".getBytes(StandardCharsets.UTF_8));
        byte[] expected = Message.encodeAll(List.of(Multistream.PROTOCOL_ID, "/echo/1.0.0"));
        // all of it is already buffered: nothing waited for the listener
        assertEquals(expected.length + 5, p.responder().in().available());
        // the listener does not over-read: the data stays for the application
        assertEquals("/echo/1.0.0", mss.negotiate(Duplex.of(p.responder()), List.of("/echo/1.0.0")));
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), p.responder().in().readNBytes(5));
        p.responder().out().write("world".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("world".getBytes(StandardCharsets.UTF_8), lazy.in().readNBytes(5));
        assertEquals("/echo/1.0.0", lazy.protocol());
    }

    @Test
    void lazyDialerFailsWhenRefusedAfterDataWasSent() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        LazySelection lazy = mss.selectLazily(Duplex.of(p.initiator()), List.of("/a", "/b"));
        lazy.out().write(new byte[] {1, 2, 3});
        p.responder().out().write(Message.encodeAll(List.of(Multistream.PROTOCOL_ID, "na")));
        NegotiationException e = assertThrows(NegotiationException.class, () -> lazy.in().read());
        assertEquals(List.of("/a"), e.proposed());
        assertEquals(List.of("na"), e.answers());
        assertThrows(NegotiationException.class, () -> lazy.out().write(4));
        assertThrows(NegotiationException.class, lazy::protocol);
    }

    @Test
    void lazyDialerFallsBackWhenRefusedBeforeAnyData() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), List.of("/b")));
        LazySelection lazy = mss.selectLazily(Duplex.of(p.initiator()), List.of("/a", "/b"));
        assertEquals("/b", lazy.protocol());
        assertEquals("/b", get(listener));
        lazy.out().write(9);
        assertEquals(9, p.responder().in().read());
    }

    @Test
    void lazyWriteAfterFlushWaitsForTheFallback() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), List.of("/b")));
        LazySelection lazy = mss.selectLazily(Duplex.of(p.initiator()), List.of("/a", "/b"));
        lazy.out().flush();
        lazy.out().write(new byte[] {5, 6});
        assertEquals("/b", get(listener));
        assertArrayEquals(new byte[] {5, 6}, p.responder().in().readNBytes(2));
        assertEquals("/b", lazy.protocol());
    }

    @Test
    void lazyWriteOnlyStreamNeverNeedsToRead() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), List.of("/push")));
        LazySelection lazy = mss.selectLazily(Duplex.of(p.initiator()), List.of("/push"));
        lazy.out().write(new byte[] {1});
        lazy.out().write(new byte[] {2});
        lazy.close();
        assertEquals("/push", get(listener));
        assertArrayEquals(new byte[] {1, 2}, p.responder().in().readAllBytes());
    }

    @Test
    void negotiateAcceptsASet() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        Future<String> listener = pool.submit(() -> mss.negotiate(Duplex.of(p.responder()), Set.of("/a")));
        assertEquals("/a", mss.select(Duplex.of(p.initiator()), List.of("/a")));
        assertEquals("/a", get(listener));
    }

    @Test
    void reservedWordsAreNotProposals() {
        MemoryConnection.Pair p = MemoryConnection.pair();
        assertThrows(IllegalArgumentException.class, () -> mss.select(Duplex.of(p.initiator()), List.of("na")));
        assertThrows(IllegalArgumentException.class, () -> mss.select(Duplex.of(p.initiator()), List.of()));
    }

    @Test
    void readerDoesNotConsumeBeyondOneMessage() throws IOException {
        var in = new java.io.ByteArrayInputStream(hex("032f610a" + "ffee"));
        assertEquals("/a", Message.read(in));
        assertEquals(2, in.available());
    }
}
