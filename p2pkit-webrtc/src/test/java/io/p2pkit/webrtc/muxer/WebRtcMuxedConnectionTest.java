package io.p2pkit.webrtc.muxer;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.datachannel.DataChannel;
import io.p2pkit.webrtc.datachannel.DataChannels;
import io.p2pkit.webrtc.sctp.CountingMemory;
import io.p2pkit.webrtc.sctp.LossyLink;
import io.p2pkit.webrtc.sctp.SctpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class WebRtcMuxedConnectionTest {
    static final SctpConfig FAST = SctpConfig.defaults().withRto(Duration.ofMillis(100), Duration.ofMillis(50),
            Duration.ofSeconds(1));

    record Pair(WebRtcMuxedConnection client, WebRtcMuxedConnection server, DataChannels dc, DataChannels ds) {
    }

    static Pair connect(LossyLink link) throws Exception {
        return connect(link, MemoryScope.UNLIMITED, MemoryScope.UNLIMITED);
    }

    static Pair connect(LossyLink link, MemoryScope ma, MemoryScope mb) throws Exception {
        DataChannels client = DataChannels.start(link.a(), true, FAST, ma, java.util.Set.of(0));
        DataChannels server = DataChannels.start(link.b(), false, FAST, mb, java.util.Set.of(0));
        client.awaitEstablished(Duration.ofSeconds(20));
        server.awaitEstablished(Duration.ofSeconds(20));
        return new Pair(new WebRtcMuxedConnection(client, ma), new WebRtcMuxedConnection(server, mb), client, server);
    }

    /** The server echoes every stream until FIN, then closes its write side. */
    static void echo(WebRtcMuxedConnection server) {
        Thread.ofVirtual().start(() -> {
            try {
                MuxedStream s;
                while ((s = server.acceptStream()) != null) {
                    MuxedStream stream = s;
                    Thread.ofVirtual().start(() -> {
                        try (stream) {
                            stream.in().transferTo(stream.out());
                            stream.closeWrite();
                        } catch (IOException e) {
                            // the test's assertions report it
                        }
                    });
                }
            } catch (IOException e) {
                // connection over
            }
        });
    }

    /**
     * Every message the stream sends is at most 8 KiB, as rust-libp2p reads each into an 8 KiB
     * buffer: the receiver charges each frame's data on its own, so its largest charge is one
     * frame's payload.
     */
    @Test
    void sentMessagesAreAtMostEightKibibytes() throws Exception {
        AtomicLong largest = new AtomicLong();
        MemoryScope recording = new MemoryScope() {
            @Override
            public void reserveMemory(long bytes, int priority) {
                largest.accumulateAndGet(bytes, Math::max);
            }

            @Override
            public void releaseMemory(long bytes) {
                // nothing is refused, so nothing to give back
            }
        };
        Pair p = connect(LossyLink.perfect(), MemoryScope.UNLIMITED, recording);
        echo(p.server());
        byte[] data = new byte[200_000];
        new Random(5).nextBytes(data);
        try (MuxedStream s = p.client().openStream()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.closeWrite();
                } catch (IOException e) {
                    // the read below fails too
                }
            });
            assertArrayEquals(data, s.in().readAllBytes());
            writer.join();
        }
        assertTrue(largest.get() > 0 && largest.get() <= StreamFrame.MAX_SENT,
                "largest single charge at the receiver " + largest.get());
    }

    /**
     * The FIN_ACK to a remote FIN waits for our own FIN: rust-libp2p 0.57 fails a stream on reading
     * a FIN_ACK while its read side is still open. The remote here is a bare data channel.
     */
    @Test
    void theFinAckToARemoteFinFollowsOurOwnFin() throws Exception {
        Pair p = connect(LossyLink.perfect());
        Thread.ofVirtual().start(() -> {
            try (MuxedStream s = p.server().acceptStream()) {
                byte[] request = s.in().readAllBytes(); // to the remote's FIN
                s.out().write(("reply to " + new String(request, java.nio.charset.StandardCharsets.US_ASCII))
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.closeWrite();
            } catch (IOException e) {
                // the client's assertions report it
            }
        });
        DataChannel raw = p.dc().open("", "");
        byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        raw.send(StreamFrame.data(hello, 0, hello.length).encode());
        raw.send(StreamFrame.flag(StreamFrame.FIN).encode());
        List<Integer> flags = new ArrayList<>();
        StringBuilder reply = new StringBuilder();
        StreamFrame.Reader reader = new StreamFrame.Reader();
        while (!flags.contains(StreamFrame.FIN_ACK)) {
            byte[] m = raw.receive();
            assertTrue(m != null, "the channel ended before FIN_ACK; flags so far " + flags);
            for (StreamFrame f : reader.feed(m)) {
                reply.append(new String(f.message(), java.nio.charset.StandardCharsets.US_ASCII));
                if (f.flag() != StreamFrame.NONE) {
                    flags.add(f.flag());
                }
            }
        }
        assertEquals("reply to hello", reply.toString());
        assertEquals(List.of(StreamFrame.FIN, StreamFrame.FIN_ACK), flags);
        p.client().close();
        p.server().close();
    }

    /**
     * A remote that has sent a FIN_ACK knows the flag (js-libp2p, go-libp2p): its FIN is
     * acknowledged at once, though we still write, since js-libp2p's close waits for it (and
     * fails after 10 s). The remote here is bare data channels: the first acknowledges our FIN.
     */
    @Test
    void aRemoteThatSentFinAckGetsItsFinAcknowledgedAtOnce() throws Exception {
        Pair p = connect(LossyLink.perfect());
        CountDownLatch release = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                try (MuxedStream first = p.server().acceptStream()) {
                    first.closeWrite(); // our FIN: the remote answers it with a FIN_ACK
                    first.in().readAllBytes();
                }
                try (MuxedStream second = p.server().acceptStream()) {
                    second.in().readAllBytes(); // to the remote's FIN; we keep writing meanwhile
                    second.out().write(1);
                    Await.await("the test to let the stream close", release);
                }
            } catch (IOException e) {
                // the client's assertions report it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        StreamFrame.Reader reader = new StreamFrame.Reader();
        DataChannel first = p.dc().open("", "");
        first.send(StreamFrame.data(new byte[] {0}, 0, 1).encode());
        assertEquals(List.of(StreamFrame.FIN), flagsUntil(first, reader, StreamFrame.FIN));
        first.send(StreamFrame.flag(StreamFrame.FIN_ACK).encode());
        first.send(StreamFrame.flag(StreamFrame.FIN).encode());
        DataChannel second = p.dc().open("", "");
        second.send(StreamFrame.flag(StreamFrame.FIN).encode());
        assertEquals(List.of(StreamFrame.FIN_ACK), flagsUntil(second, new StreamFrame.Reader(), StreamFrame.FIN_ACK),
                "FIN_ACK before our own FIN");
        release.countDown();
        p.client().close();
        p.server().close();
    }

    private static List<Integer> flagsUntil(DataChannel channel, StreamFrame.Reader reader, int flag) throws IOException {
        List<Integer> flags = new ArrayList<>();
        while (!flags.contains(flag)) {
            byte[] m = channel.receive();
            assertTrue(m != null, "the channel ended first; flags so far " + flags);
            for (StreamFrame f : reader.feed(m)) {
                if (f.flag() != StreamFrame.NONE) {
                    flags.add(f.flag());
                }
            }
        }
        return flags;
    }

    @Test
    void manyStreamsEchoMegabytesOverALossyLink() throws Exception {
        LossyLink link = new LossyLink(11, 0.02, 0.01, 0.03);
        CountingMemory ma = new CountingMemory();
        CountingMemory mb = new CountingMemory();
        Pair p = connect(link, ma, mb);
        echo(p.server());
        int streams = 12;
        int perStream = 256 * 1024;
        List<Thread> threads = new ArrayList<>();
        AtomicLong verified = new AtomicLong();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < streams; i++) {
            int seed = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (MuxedStream s = p.client().openStream()) {
                    byte[] data = new byte[perStream];
                    new Random(seed).nextBytes(data);
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            for (int off = 0; off < data.length; off += 20_000) {
                                s.out().write(data, off, Math.min(20_000, data.length - off));
                            }
                            s.closeWrite();
                        } catch (IOException e) {
                            errors.add(e);
                        }
                    });
                    byte[] back = s.in().readAllBytes();
                    writer.join(Duration.ofSeconds(60));
                    assertArrayEquals(data, back, "stream " + seed + " echoed every byte");
                    verified.addAndGet(back.length);
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(100));
        }
        assertEquals(List.of(), errors);
        assertEquals((long) streams * perStream, verified.get());
        assertTrue(link.dropped.get() > 0);
        assertTrue(ma.peak() > 0 && mb.peak() > 0, "buffers were charged");
        p.client().close();
        Await.until("every reservation is given back", () -> ma.reserved() == 0 && mb.reserved() == 0,
                Duration.ofSeconds(20));
    }

    @Test
    void aMalformedFrameResetsThatStreamOnly() throws Exception {
        Pair p = connect(LossyLink.perfect());
        MuxedStream good = p.client().openStream();
        good.out().write(1);
        MuxedStream goodAtServer = p.server().acceptStream();
        assertEquals(1, goodAtServer.in().read());
        p.dc().open("", "").send(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}); // a 4-byte varint prefix
        MuxedStream bad = p.server().acceptStream();
        StreamResetException e = assertThrows(StreamResetException.class, () -> bad.in().read());
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        good.out().write(2);
        assertEquals(2, goodAtServer.in().read(), "the other stream goes on");
        assertTrue(!p.server().isClosed());
        p.client().close();
    }

    @Test
    void theNegotiatedChannelCarriesAFramedStream() throws Exception {
        Pair p = connect(LossyLink.perfect());
        MuxedStream c = p.client().negotiatedStream(0);
        MuxedStream s = p.server().negotiatedStream(0);
        c.out().write("noise e".getBytes());
        byte[] got = new byte[7];
        assertEquals(7, s.in().readNBytes(got, 0, 7));
        assertArrayEquals("noise e".getBytes(), got);
        assertEquals(0, c.id());
        p.client().close();
    }

    @Test
    void finIsAcknowledgedAndBothSidesCloseTheChannel() throws Exception {
        Pair p = connect(LossyLink.perfect());
        MuxedStream c = p.client().openStream();
        c.out().write("question".getBytes());
        c.closeWrite();
        MuxedStream s = p.server().acceptStream();
        assertArrayEquals("question".getBytes(), s.in().readAllBytes(), "FIN ends the remote's reads");
        s.out().write("answer".getBytes());
        s.close();
        assertArrayEquals("answer".getBytes(), c.in().readAllBytes());
        c.close();
        assertThrows(IOException.class, () -> c.out().write(1));
        p.client().close();
    }

    @Test
    void resetReachesTheRemoteAsAResetByRemote() throws Exception {
        Pair p = connect(LossyLink.perfect());
        MuxedStream c = p.client().openStream();
        c.out().write(1);
        MuxedStream s = p.server().acceptStream();
        assertEquals(1, s.in().read());
        c.reset();
        StreamResetException e = assertThrows(StreamResetException.class, () -> s.in().read());
        assertTrue(e.byRemote());
        assertThrows(StreamResetException.class, () -> c.out().write(2));
        p.client().close();
    }

    @Test
    void aRefusedSendBufferResetsThatStreamOnly() throws Exception {
        // the client's scope refuses the send buffer (and other HIGH reservations) while asked to
        java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean();
        CountingMemory counted = new CountingMemory();
        MemoryScope client = new MemoryScope() {
            @Override
            public void reserveMemory(long bytes, int priority) throws ResourceLimitException {
                if (refuse.get() && priority == MemoryPriority.HIGH) {
                    throw new ResourceLimitException("connection", Resource.MEMORY, 0, counted.reserved(), null);
                }
                counted.reserveMemory(bytes, priority);
            }

            @Override
            public void releaseMemory(long bytes) {
                counted.releaseMemory(bytes);
            }
        };
        Pair p = connect(LossyLink.perfect(), client, MemoryScope.UNLIMITED);
        MuxedStream c = p.client().openStream();
        c.out().write(1);
        MuxedStream s = p.server().acceptStream();
        assertEquals(1, s.in().read());

        refuse.set(true);
        StreamResetException e = assertThrows(StreamResetException.class, () -> c.out().write(new byte[1000]));
        assertTrue(e.getCause() instanceof ResourceLimitException, "the limit is the cause: " + e.getCause());
        assertThrows(StreamResetException.class, () -> s.in().read(), "the remote sees the stream end, not a cut frame");

        refuse.set(false);
        echo(p.server());
        try (MuxedStream again = p.client().openStream()) {
            again.out().write(new byte[] {7, 8, 9});
            again.closeWrite();
            assertArrayEquals(new byte[] {7, 8, 9}, again.in().readAllBytes(), "the connection lives on");
        }
        p.client().close();
        Await.until("everything given back", () -> counted.reserved() == 0, Duration.ofSeconds(10));
    }

    @Test
    void stopSendingMakesTheRemotesWritesFail() throws Exception {
        Pair p = connect(LossyLink.perfect());
        MuxedStream c = p.client().openStream();
        c.out().write(1);
        MuxedStream s = p.server().acceptStream();
        s.close(); // stops reading: STOP_SENDING, and FIN for its own side
        InputStream in = c.in();
        assertEquals(-1, in.read(), "the server's FIN arrives");
        IOException e = assertThrows(IOException.class, () -> {
            byte[] chunk = new byte[1000];
            for (int i = 0; i < 10_000; i++) {
                c.out().write(chunk);
            }
        });
        assertTrue(e instanceof StreamResetException || e.getMessage().contains("closed"), e.toString());
        p.client().close();
    }

    @Test
    void framesRoundTripAndStayUnderTheLimit() {
        byte[] data = new byte[StreamFrame.MAX_PAYLOAD];
        Arrays.fill(data, (byte) 7);
        byte[] encoded = StreamFrame.data(data, 0, data.length).encode();
        assertTrue(encoded.length <= StreamFrame.MAX_ENCODED, "a full frame is " + encoded.length + " bytes");
        List<StreamFrame> back = StreamFrame.decodeAll(encoded);
        assertEquals(1, back.size());
        assertArrayEquals(data, back.getFirst().message());
        assertEquals(StreamFrame.NONE, back.getFirst().flag());
        StreamFrame fin = StreamFrame.decodeAll(StreamFrame.flag(StreamFrame.FIN_ACK).encode()).getFirst();
        assertEquals(StreamFrame.FIN_ACK, fin.flag());
        // the bytes go-libp2p writes for a bare FIN: length 2, field 1 varint 0
        assertArrayEquals(new byte[] {2, 8, 0}, StreamFrame.flag(StreamFrame.FIN).encode());
    }

    /**
     * A browser dialer's "init" channel (opened only to get a data channel into its SDP offer) is
     * never a stream, and is left for the dialer to close: js-libp2p's dialer hangs when it is
     * closed before its connection reports "connected".
     */
    @Test
    void anInitChannelIsNotAcceptedAndIsLeftToTheDialer() throws Exception {
        Pair p = connect(LossyLink.perfect());
        var init = p.dc().open("init", "");
        MuxedStream real = p.client().openStream();
        real.out().write(7);
        real.out().flush();
        MuxedStream accepted = p.server().acceptStream();
        assertEquals(7, accepted.in().read(), "the first stream accepted is the unlabelled one");
        accepted.out().write(8);
        accepted.out().flush();
        // the accepting side passed the init channel before it wrote this: a reset of it would be here first
        assertEquals(8, real.in().read());
        assertFalse(init.isClosedByRemote(), "the accepting side did not close the init channel");
        init.close();
        Await.until("the dialer's close answered with the accepting side's reset", init::isClosedByRemote,
                Duration.ofSeconds(20));
    }

    /** Only a connection's first "init" channel is left open: more would each hold a channel and a thread. */
    @Test
    void aSecondInitChannelIsClosedAtOnce() throws Exception {
        Pair p = connect(LossyLink.perfect());
        var first = p.dc().open("init", "");
        var second = p.dc().open("init", "");
        MuxedStream real = p.client().openStream();
        real.out().write(7);
        real.out().flush();
        MuxedStream accepted = p.server().acceptStream();
        assertEquals(7, accepted.in().read(), "the first stream accepted is the unlabelled one");
        Await.until("the accepting side closed the second init channel", second::isClosedByRemote,
                Duration.ofSeconds(20));
        assertFalse(first.isClosedByRemote(), "the first init channel is left to the dialer");
    }
}
