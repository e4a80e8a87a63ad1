package io.p2pkit.webrtc.mux;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.testing.Await;
import io.p2pkit.webrtc.sctp.CountingMemory;
import io.p2pkit.webrtc.stun.StunMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class UdpMuxTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static DatagramChannel client() throws IOException {
        return DatagramChannel.open().bind(LOOPBACK);
    }

    static void send(DatagramChannel from, byte[] data, InetSocketAddress to) throws IOException {
        from.send(ByteBuffer.wrap(data), to);
    }

    @Test
    void sortsDatagramsByFirstByteAndSender() throws Exception {
        List<InetSocketAddress> stunFrom = new CopyOnWriteArrayList<>();
        try (UdpMux mux = UdpMux.open(LOOPBACK, (m, msg, from) -> stunFrom.add(from), 4, 8);
             DatagramChannel a = client(); DatagramChannel b = client()) {
            InetSocketAddress aAddr = (InetSocketAddress) a.getLocalAddress();
            UdpPeer peer = mux.register(aAddr).orElseThrow();
            byte[] dtls = {22, (byte) 0xfe, (byte) 0xfd, 1, 2, 3};
            send(b, dtls, mux.localAddress());       // DTLS from an unregistered sender: dropped
            send(a, new byte[] {(byte) 0x80, 0}, mux.localAddress()); // RTP: dropped
            byte[] stun = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode(null, true);
            send(b, stun, mux.localAddress());
            send(a, dtls, mux.localAddress());
            byte[] buf = new byte[100];
            int n = peer.receive(buf, 0, buf.length, 10_000);
            assertEquals(dtls.length, n);
            assertArrayEquals(dtls, java.util.Arrays.copyOf(buf, n));
            Await.until("the STUN message reaches the handler", () -> !stunFrom.isEmpty(), Duration.ofSeconds(10));
            assertEquals(b.getLocalAddress(), stunFrom.getFirst());
            assertEquals(-1, peer.receive(buf, 0, buf.length, 50)); // the RTP and b's DTLS never arrive here

            peer.send(new byte[] {23, 9}, 0, 2);
            ByteBuffer in = ByteBuffer.allocate(10);
            assertEquals(mux.localAddress(), a.receive(in));
            assertEquals(2, in.position());
        }
    }

    @Test
    void aSenderWithItsInterruptSetLeavesTheSocketOpenAndKeepsTheInterrupt() throws Exception {
        try (UdpMux mux = UdpMux.open(LOOPBACK, (m, msg, from) -> { }, 4, 8); DatagramChannel a = client()) {
            InetSocketAddress aAddr = (InetSocketAddress) a.getLocalAddress();
            boolean[] keptInterrupt = new boolean[1];
            Thread sender = Thread.ofVirtual().unstarted(() -> {
                Thread.currentThread().interrupt();
                try {
                    mux.send(new byte[] {23, 1}, 0, 2, aAddr);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                keptInterrupt[0] = Thread.currentThread().isInterrupted();
            });
            AtomicReference<Throwable> failed = new AtomicReference<>();
            sender.setUncaughtExceptionHandler((t, e) -> failed.set(e));
            sender.start();
            assertTrue(sender.join(Duration.ofSeconds(10)), "the send ended");
            assertNull(failed.get(), "the send did not fail");
            assertTrue(keptInterrupt[0], "the sender's interrupt is still set");
            assertFalse(mux.isClosed(), "the socket is still open");
            mux.send(new byte[] {23, 2}, 0, 2, aAddr); // and sends for everyone else
            ByteBuffer in = ByteBuffer.allocate(10);
            assertEquals(mux.localAddress(), a.receive(in));
            in.clear();
            assertEquals(mux.localAddress(), a.receive(in));
            assertEquals(2, in.get(1));
        }
    }

    @Test
    void capsPeersAndQueues() throws Exception {
        java.util.concurrent.atomic.AtomicInteger markers = new java.util.concurrent.atomic.AtomicInteger();
        try (UdpMux mux = UdpMux.open(LOOPBACK, (m, msg, from) -> markers.incrementAndGet(), 2, 3);
             DatagramChannel a = client()) {
            assertTrue(mux.register(new InetSocketAddress("127.0.0.1", 1001)).isPresent());
            UdpPeer peer = mux.register((InetSocketAddress) a.getLocalAddress()).orElseThrow();
            assertTrue(mux.register(new InetSocketAddress("127.0.0.1", 1003)).isEmpty());
            assertEquals(2, mux.peerCount());
            for (int i = 0; i < 10; i++) {
                send(a, new byte[] {20, (byte) i}, mux.localAddress());
            }
            // One reader handles datagrams in order: once a STUN message sent after them reached the
            // handler, all ten DTLS datagrams were queued or dropped.
            send(a, StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode(null, false), mux.localAddress());
            Await.until("the marker after the datagrams is read", () -> markers.get() == 1, Duration.ofSeconds(10));
            assertEquals(3 * 2, mux.queuedBytes());
            byte[] buf = new byte[4];
            int got = 0;
            while (peer.receive(buf, 0, buf.length, 100) > 0) {
                got++;
            }
            assertEquals(3, got, "the queue's capacity was kept, the rest dropped");
            assertEquals(0, mux.queuedBytes(), "what was read is given back to the mux's budget");
            send(a, new byte[] {20, 1, 2, 3}, mux.localAddress());
            // The reader charges the mux before it puts the datagram in the peer's queue, so the
            // close below may come in between: close() gives back what the queue holds, and the
            // reader gives back a datagram that it finds closed out. Either way nothing stays charged.
            Await.until("a datagram is charged", () -> mux.queuedBytes() == 4, Duration.ofSeconds(10));
            peer.close();
            Await.until("closing gives back what was queued", () -> mux.queuedBytes() == 0, Duration.ofSeconds(10));
            assertEquals(1, mux.peerCount());
            assertThrows(IOException.class, () -> peer.receive(buf, 0, buf.length, 10));
            assertTrue(mux.register(new InetSocketAddress("127.0.0.1", 1003)).isPresent());
        }
    }

    @Test
    void queuedDatagramsAreChargedToThePeersScopeUntilRead() throws Exception {
        java.util.concurrent.atomic.AtomicInteger markers = new java.util.concurrent.atomic.AtomicInteger();
        CountingMemory memory = new CountingMemory();
        try (UdpMux mux = UdpMux.open(LOOPBACK, (m, msg, from) -> markers.incrementAndGet(), 2, 8);
             DatagramChannel a = client()) {
            UdpPeer peer = mux.register((InetSocketAddress) a.getLocalAddress(), memory).orElseThrow();
            send(a, new byte[] {20, 1, 2}, mux.localAddress());
            send(a, new byte[] {21, 1, 2, 3, 4}, mux.localAddress());
            send(a, StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode(null, false), mux.localAddress());
            Await.until("the marker after the datagrams is read", () -> markers.get() == 1, Duration.ofSeconds(10));
            assertEquals(3 + 5, memory.reserved(), "both datagrams charged while queued");
            byte[] buf = new byte[16];
            assertEquals(3, peer.receive(buf, 0, buf.length, 1000));
            assertEquals(5, memory.reserved(), "a datagram read is given back");
            peer.close();
            assertEquals(0, memory.reserved(), "closing gives back what was still queued");
        }
    }

    @Test
    void aRefusedReservationDropsTheDatagram() throws Exception {
        java.util.concurrent.atomic.AtomicInteger markers = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        MemoryScope full = new MemoryScope() {
            @Override
            public void reserveMemory(long bytes, int priority) throws ResourceLimitException {
                refused.incrementAndGet();
                throw new ResourceLimitException("connection", Resource.MEMORY, 0, 0, null);
            }

            @Override
            public void releaseMemory(long bytes) {
                throw new AssertionError("nothing was reserved");
            }
        };
        try (UdpMux mux = UdpMux.open(LOOPBACK, (m, msg, from) -> markers.incrementAndGet(), 2, 8);
             DatagramChannel a = client()) {
            UdpPeer peer = mux.register((InetSocketAddress) a.getLocalAddress(), full).orElseThrow();
            send(a, new byte[] {20, 1, 2}, mux.localAddress());
            send(a, StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode(null, false), mux.localAddress());
            Await.until("the marker after the datagram is read", () -> markers.get() == 1, Duration.ofSeconds(10));
            assertEquals(1, refused.get());
            assertEquals(0, mux.queuedBytes(), "the dropped datagram gave back the mux's budget too");
            assertEquals(-1, peer.receive(new byte[16], 0, 16, 50), "nothing was queued");
        }
    }
}
