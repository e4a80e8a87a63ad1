package io.p2pkit.core.muxer.mplex;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multistream.Duplex;
import io.p2pkit.core.multistream.Multistream;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MplexTest {
    private static final long WAIT = 60;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final List<MuxedConnection> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (MuxedConnection c : opened) {
            c.close();
        }
        pool.shutdownNow();
    }

    private MuxedConnection wrap(MemoryConnection raw, boolean initiator, MplexConfig config) throws IOException {
        MuxedConnection c = new Mplex(config).wrap(raw, initiator);
        opened.add(c);
        return c;
    }

    private MuxedConnection[] sessions() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        return new MuxedConnection[] {wrap(p.initiator(), true, MplexConfig.DEFAULT),
                wrap(p.responder(), false, MplexConfig.DEFAULT)};
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> f) {
        return assertThrows(ExecutionException.class, () -> f.get(WAIT, TimeUnit.SECONDS)).getCause();
    }

    private static void send(MemoryConnection raw, long id, int flag, byte[] data) throws IOException {
        raw.out().write(new MplexFrame(id, flag, data).encode());
    }

    @Test
    void framesHaveTheSpecLayout() throws IOException {
        assertArrayEquals(HexFormat.of().parseHex("000130"), new MplexFrame(0, MplexFrame.NEW_STREAM, "0".getBytes()).encode());
        // stream 17, message from initiator: header 17 << 3 | 2 = 138 = varint 8a 01
        byte[] wire = HexFormat.of().parseHex("8a0102abcd");
        MplexFrame f = MplexFrame.read(new ByteArrayInputStream(wire), MplexFrame.MAX_DATA_BYTES);
        assertEquals(new MplexFrame(17, MplexFrame.MESSAGE_INITIATOR, new byte[] {(byte) 0xab, (byte) 0xcd}), f);
        assertArrayEquals(wire, f.encode());
        assertNull(MplexFrame.read(new ByteArrayInputStream(new byte[0]), 10));
        assertThrows(DecodeException.class, () -> MplexFrame.read(new ByteArrayInputStream(new byte[] {7, 0}), 10));
        assertThrows(DecodeException.class, () -> MplexFrame.read(new ByteArrayInputStream(new byte[] {2, 11}), 10));
        assertThrows(IOException.class, () -> MplexFrame.read(new ByteArrayInputStream(new byte[] {2, 3, 1}), 10));
    }

    @Test
    void streamsOpenInBothDirectionsWithTheSameIdsWithoutClashing() throws Exception {
        MuxedConnection[] s = sessions();
        MuxedStream fromA = s[0].openStream();
        MuxedStream fromB = s[1].openStream();
        assertEquals(fromA.id(), fromB.id()); // both are stream 0 of their opener
        MuxedStream atB = s[1].acceptStream();
        MuxedStream atA = s[0].acceptStream();
        fromA.out().write(1);
        fromB.out().write(2);
        atB.out().write(3);
        atA.out().write(4);
        assertEquals(1, atB.in().read());
        assertEquals(2, atA.in().read());
        assertEquals(3, fromA.in().read());
        assertEquals(4, fromB.in().read());
        assertEquals("0", ((MplexStream) atB).name());
    }

    @Test
    void hundredConcurrentStreamsEchoOneMebibyteEach() throws Exception {
        MuxedConnection[] s = sessions();
        pool.submit(() -> {
            for (MuxedStream in; (in = s[1].acceptStream()) != null; ) {
                MuxedStream stream = in;
                pool.submit(() -> {
                    stream.in().transferTo(stream.out());
                    stream.closeWrite();
                    return null;
                });
            }
            return null;
        });
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int seed = i;
            results.add(pool.submit(() -> {
                MuxedStream stream = s[0].openStream();
                byte[] data = new byte[1 << 20];
                new SplittableRandom(seed).nextBytes(data);
                Future<byte[]> echoed = pool.submit(() -> {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[32 * 1024];
                    for (int n; (n = stream.in().read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                    }
                    return sha.digest();
                });
                for (int off = 0; off < data.length; off += 100_000) {
                    stream.out().write(data, off, Math.min(100_000, data.length - off));
                }
                stream.closeWrite();
                boolean same = MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(data), get(echoed));
                stream.close();
                return same;
            }));
        }
        for (Future<Boolean> r : results) {
            assertTrue(get(r));
        }
        assertFalse(s[0].isClosed());
    }

    @Test
    void halfClosedStreamStillCarriesTheOtherDirection() throws Exception {
        MuxedConnection[] s = sessions();
        MuxedStream a = s[0].openStream();
        a.out().write(new byte[] {1, 2});
        a.closeWrite();
        a.closeWrite(); // idempotent
        assertThrows(IOException.class, () -> a.out().write(3));
        MuxedStream b = s[1].acceptStream();
        assertArrayEquals(new byte[] {1, 2}, b.in().readAllBytes());
        b.out().write(new byte[] {9, 8, 7});
        b.closeWrite();
        assertArrayEquals(new byte[] {9, 8, 7}, a.in().readAllBytes());
    }

    @Test
    void resetByTheOpenerReachesTheAcceptor() throws Exception {
        MuxedConnection[] s = sessions();
        MuxedStream a = s[0].openStream();
        a.out().write(1);
        MuxedStream b = s[1].acceptStream();
        assertEquals(1, b.in().read());
        a.reset();
        StreamResetException e = assertThrows(StreamResetException.class, () -> b.in().read());
        assertTrue(e.byRemote());
        StreamResetException local = assertThrows(StreamResetException.class, () -> a.out().write(1));
        assertFalse(local.byRemote());
        assertThrows(StreamResetException.class, () -> b.out().write(1));
    }

    @Test
    void resetByTheAcceptorReachesTheOpenerAndWakesItsReader() throws Exception {
        MuxedConnection[] s = sessions();
        MuxedStream a = s[0].openStream();
        Future<Integer> reader = pool.submit(() -> a.in().read());
        MuxedStream b = s[1].acceptStream();
        b.reset();
        assertInstanceOf(StreamResetException.class, failureOf(reader));
        // the connection carries on
        MuxedStream c = s[0].openStream();
        c.out().write(5);
        assertEquals(5, s[1].acceptStream().in().read());
    }

    @Test
    void closingTheConnectionResetsStreamsAndWakesEveryone() throws Exception {
        MuxedConnection[] s = sessions();
        MuxedStream a = s[0].openStream();
        MuxedStream b = s[1].acceptStream();
        Future<Integer> readerA = pool.submit(() -> a.in().read());
        Future<Integer> readerB = pool.submit(() -> b.in().read());
        Future<MuxedStream> acceptor = pool.submit(() -> s[0].acceptStream());
        s[0].close();
        assertInstanceOf(StreamResetException.class, failureOf(readerA));
        assertInstanceOf(StreamResetException.class, failureOf(readerB));
        assertNull(get(acceptor));
        assertTrue(s[0].isClosed());
        assertNull(s[1].acceptStream()); // the remote saw the end of the connection
        assertTrue(s[1].isClosed());
        assertThrows(IOException.class, s[0]::openStream);
    }

    @Test
    void garbageBytesCloseTheConnectionWithAProtocolError() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.responder(), false, MplexConfig.DEFAULT);
        send(p.initiator(), 0, MplexFrame.NEW_STREAM, new byte[0]);
        MuxedStream s = c.acceptStream();
        p.initiator().out().write(new byte[] {(byte) 0x0f, 1, 2, 3}); // flag 7 does not exist
        assertThrows(StreamResetException.class, () -> s.in().read());
        assertNull(c.acceptStream());
        assertTrue(c.isClosed());
        assertEquals(-1, p.initiator().in().read()); // the session closed the connection
    }

    @Test
    void oversizedFrameClosesTheConnection() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.responder(), false, MplexConfig.DEFAULT);
        send(p.initiator(), 0, MplexFrame.NEW_STREAM, new byte[0]);
        MuxedStream s = c.acceptStream();
        // a header announcing 1 MiB + 1 bytes: rejected before any of them is read
        p.initiator().out().write(MplexFrame.header(0, MplexFrame.MESSAGE_INITIATOR, MplexFrame.MAX_DATA_BYTES + 1));
        assertThrows(StreamResetException.class, () -> s.in().read());
        assertNull(c.acceptStream());
    }

    @Test
    void duplicateStreamIdClosesTheConnection() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.responder(), false, MplexConfig.DEFAULT);
        send(p.initiator(), 3, MplexFrame.NEW_STREAM, new byte[0]);
        send(p.initiator(), 3, MplexFrame.NEW_STREAM, new byte[0]);
        // the first stream may or may not be accepted before the violation closes the session
        int accepted = 0;
        while (c.acceptStream() != null) {
            accepted++;
        }
        assertTrue(accepted <= 1);
        assertTrue(c.isClosed());
    }

    @Test
    void inboundStreamsBeyondTheCapAreResetAndTheOthersWork() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.responder(), false, new MplexConfig(4, 1 << 20, MplexFrame.MAX_DATA_BYTES));
        for (int id = 0; id < 10; id++) {
            send(p.initiator(), id, MplexFrame.NEW_STREAM, new byte[0]);
        }
        for (int id = 4; id < 10; id++) {
            assertEquals(new MplexFrame(id, MplexFrame.RESET_RECEIVER, new byte[0]),
                    MplexFrame.read(p.initiator().in(), MplexFrame.MAX_DATA_BYTES));
        }
        send(p.initiator(), 2, MplexFrame.MESSAGE_INITIATOR, new byte[] {42});
        List<MuxedStream> accepted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accepted.add(c.acceptStream());
        }
        assertEquals(2, accepted.get(2).id());
        assertEquals(42, accepted.get(2).in().read());
        assertFalse(c.isClosed());
        // once a stream is done (both sides closed), the slot is free again
        send(p.initiator(), 0, MplexFrame.CLOSE_INITIATOR, new byte[0]);
        accepted.get(0).close();
        assertEquals(new MplexFrame(0, MplexFrame.CLOSE_RECEIVER, new byte[0]),
                MplexFrame.read(p.initiator().in(), MplexFrame.MAX_DATA_BYTES));
        send(p.initiator(), 10, MplexFrame.NEW_STREAM, new byte[0]);
        assertEquals(10, c.acceptStream().id());
    }

    @Test
    void streamThatOverflowsItsBufferIsResetAndTheConnectionLives() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.responder(), false, new MplexConfig(16, 1000, MplexFrame.MAX_DATA_BYTES));
        send(p.initiator(), 0, MplexFrame.NEW_STREAM, new byte[0]);
        send(p.initiator(), 0, MplexFrame.MESSAGE_INITIATOR, new byte[600]);
        send(p.initiator(), 0, MplexFrame.MESSAGE_INITIATOR, new byte[600]);
        assertEquals(new MplexFrame(0, MplexFrame.RESET_RECEIVER, new byte[0]),
                MplexFrame.read(p.initiator().in(), MplexFrame.MAX_DATA_BYTES));
        MuxedStream s = c.acceptStream();
        StreamResetException e = assertThrows(StreamResetException.class, () -> s.in().read());
        assertFalse(e.byRemote());
        send(p.initiator(), 1, MplexFrame.NEW_STREAM, new byte[0]);
        send(p.initiator(), 1, MplexFrame.MESSAGE_INITIATOR, new byte[] {5});
        assertEquals(5, c.acceptStream().in().read());
        assertFalse(c.isClosed());
    }

    @Test
    void writerBlockedByAPeerThatNeverReadsIsWokenByClose() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.initiator(), true, MplexConfig.DEFAULT);
        MuxedStream s = c.openStream();
        Future<?> writer = pool.submit(() -> {
            byte[] chunk = new byte[256 * 1024];
            for (int i = 0; i < 40; i++) {
                s.out().write(chunk); // 10 MiB, far beyond the 64 KiB the peer's pipe buffers
            }
            return null;
        });
        assertThrows(TimeoutException.class, () -> writer.get(100, TimeUnit.MILLISECONDS));
        assertFalse(writer.isDone());
        c.close();
        assertInstanceOf(IOException.class, failureOf(writer));
    }

    @Test
    void remoteVanishingResetsStreams() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.initiator(), true, MplexConfig.DEFAULT);
        MuxedStream s = c.openStream();
        Future<Integer> reader = pool.submit(() -> s.in().read());
        p.responder().close();
        assertInstanceOf(StreamResetException.class, failureOf(reader));
        assertNull(c.acceptStream());
    }

    @Test
    void framesForUnknownStreamsAreIgnored() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        MuxedConnection c = wrap(p.responder(), false, MplexConfig.DEFAULT);
        send(p.initiator(), 5, MplexFrame.MESSAGE_INITIATOR, new byte[] {1});
        send(p.initiator(), 5, MplexFrame.RESET_RECEIVER, new byte[0]);
        send(p.initiator(), 0, MplexFrame.NEW_STREAM, new byte[0]);
        send(p.initiator(), 0, MplexFrame.MESSAGE_INITIATOR, new byte[] {3});
        assertEquals(3, c.acceptStream().in().read());
    }

    @Test
    void protocolsAreNegotiatedOnStreams() throws Exception {
        MuxedConnection[] s = sessions();
        Multistream mss = new Multistream();
        Future<String> server = pool.submit(() -> {
            MuxedStream in = s[1].acceptStream();
            String chosen = mss.negotiate(Duplex.of(in), List.of("/echo/1.0.0"));
            in.in().transferTo(in.out());
            in.closeWrite();
            return chosen;
        });
        MuxedStream out = s[0].openStream();
        var lazy = mss.selectLazily(Duplex.of(out), List.of("/echo/1.0.0"));
        lazy.out().write("ping".getBytes());
        out.closeWrite();
        InputStream reply = lazy.in();
        assertArrayEquals("ping".getBytes(), reply.readAllBytes());
        assertEquals("/echo/1.0.0", get(server));
    }

    @Test
    void muxerIdentifiesItself() {
        assertEquals("/mplex/6.7.0", new Mplex().protocolId());
        assertThrows(IllegalArgumentException.class, () -> new MplexConfig(1, 1, MplexFrame.MAX_DATA_BYTES + 1));
    }
}
