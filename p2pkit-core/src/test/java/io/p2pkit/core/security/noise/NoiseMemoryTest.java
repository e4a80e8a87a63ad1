package io.p2pkit.core.security.noise;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.testing.Await;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.p2pkit.testing.Futures.async;
import static io.p2pkit.testing.Futures.await;
import static io.p2pkit.testing.Futures.failure;
import static io.p2pkit.core.resource.MemoryLimits.manager;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Noise's frame buffers are reserved in the connection's memory scope while they are held. */
class NoiseMemoryTest {
    private static final List<String> MUXERS = List.of("/yamux/1.0.0");

    @Test
    void aHandshakeWithoutRoomForTheFrameBufferFailsWithTheLimitAsCause() throws Exception {
        ResourceManager rm = manager(64 * 1024); // less than one 128 KiB read buffer
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        CompletableFuture<SecureConnection> d = async(() -> dialer.secureOutbound(pair.initiator(), null));
        CompletableFuture<SecureConnection> l = async(() -> listener.secureInbound(pair.responder(), span));
        Throwable refused = failure(l);
        HandshakeException h = assertInstanceOf(HandshakeException.class, refused);
        ResourceLimitException limit = assertInstanceOf(ResourceLimitException.class, h.getCause());
        assertEquals("connection", limit.scope());
        assertEquals(Resource.MEMORY, limit.resource());
        assertInstanceOf(IOException.class, failure(d)); // the listener closed the connection
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }

    @Test
    void buffersAreReservedOnlyWhileBytesAreInFlightAndARefusalClosesTheConnection() throws Exception {
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        CompletableFuture<SecureConnection> d = async(() -> dialer.secureOutbound(pair.initiator(), null));
        CompletableFuture<SecureConnection> l = async(() -> listener.secureInbound(pair.responder(), span));
        SecureConnection client = await(d);
        SecureConnection server = await(l);

        // An echo round: the server's buffers come and go with the bytes.
        byte[] message = "hello over a reserved buffer".getBytes();
        client.out().write(message);
        client.out().flush();
        byte[] got = server.in().readNBytes(message.length);
        assertArrayEquals(message, got);
        server.out().write(got);
        server.out().flush();
        assertArrayEquals(message, client.in().readNBytes(message.length));
        // A reader back to waiting for the next frame (as a muxer's read loop always is) holds nothing.
        CompletableFuture<Integer> read = async(() -> server.in().read());
        Await.until("an idle connection holds no reserved buffer", () -> rm.system().used(Resource.MEMORY) == 0);

        // Fill the scope meanwhile: the next frame finds no room for its buffer.
        span.reserveMemory((1 << 20) - 64 * 1024, MemoryPriority.ALWAYS);
        client.out().write(1);
        client.out().flush();
        Throwable refused = failure(read);
        ResourceLimitException limit = assertInstanceOf(ResourceLimitException.class, refused);
        assertTrue(limit.getMessage().startsWith("local resource limit reached: scope connection"), limit.getMessage());
        // The connection is closed: the remote sees its end, and the local stream keeps failing the same way.
        assertEquals(-1, client.in().read());
        assertThrows(ResourceLimitException.class, () -> server.in().read());
        span.releaseMemory((1 << 20) - 64 * 1024);
        Await.until("the reservations released", () -> rm.system().used(Resource.MEMORY) == 0);
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }

    @Test
    void authenticateLeavesNoBufferReservedForStreamsNobodyReads() throws Exception {
        // WebRTC-direct runs Noise only to authenticate and never reads its transport phase: the
        // buffer the last handshake message was read into must not stay reserved for the
        // connection's lifetime (128 KiB per connection)
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan initiatorSpan = rm.openConnection(Direction.INBOUND, true);
        ConnectionSpan responderSpan = rm.openConnection(Direction.OUTBOUND, true);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseTransport initiator = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        NoiseTransport responder = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        byte[] prologue = "a prologue both sides bind".getBytes();
        CompletableFuture<NoiseConnection> i = async(() -> initiator.authenticate(pair.initiator(), true, prologue,
                null, initiatorSpan));
        CompletableFuture<NoiseConnection> r = async(() -> responder.authenticate(pair.responder(), false, prologue,
                initiator.localPeer(), responderSpan));
        assertEquals(responder.localPeer(), await(i).remotePeer());
        assertEquals(initiator.localPeer(), await(r).remotePeer());
        assertEquals(0, rm.system().used(Resource.MEMORY), "both sides gave their read buffers back");
        initiatorSpan.close();
        responderSpan.close();
    }

    @Test
    void streamsOfAConnectionClosedByALocalLimitSayWhy() throws Exception {
        ResourceManager rm = manager(4 << 20);
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        CompletableFuture<SecureConnection> d = async(() -> dialer.secureOutbound(pair.initiator(), null));
        CompletableFuture<SecureConnection> l = async(() -> listener.secureInbound(pair.responder(), span));
        io.p2pkit.core.muxer.yamux.Yamux yamux = new io.p2pkit.core.muxer.yamux.Yamux();
        io.p2pkit.core.muxer.MuxedConnection client = yamux.wrap(await(d), true);
        io.p2pkit.core.muxer.MuxedConnection server = yamux.wrap(await(l), false, span);
        try {
            io.p2pkit.core.muxer.MuxedStream out = client.openStream();
            out.out().write(1);
            out.out().flush();
            io.p2pkit.core.muxer.MuxedStream in = server.acceptStream();
            assertEquals(1, in.in().read());
            // The server's ACK and a reply out and read: nothing of the server's is still to be
            // sent when the scope fills (a send that found the scope full would close the
            // connection before the client's next write, not on the server's read)
            in.out().write(9);
            in.out().flush();
            assertEquals(9, out.in().read());
            // Fill the scope: the next frame finds no room for Noise's read buffer.
            Await.until("the server's read buffer given back", () -> rm.system().used(Resource.MEMORY) == 0);
            long rest = (4 << 20) - rm.system().used(Resource.MEMORY) - 1024;
            span.reserveMemory(rest, MemoryPriority.ALWAYS);
            out.out().write(2);
            out.out().flush();
            IOException local = assertThrows(IOException.class, () -> in.in().read());
            ResourceLimitException limit = ResourceLimitException.find(local).orElseThrow(
                    () -> new AssertionError("no local limit in " + local, local));
            assertEquals(Resource.MEMORY, limit.resource());
            // The client only sees its connection end: nothing there blames a local limit.
            IOException remote = assertThrows(IOException.class, () -> out.in().read());
            assertTrue(ResourceLimitException.find(remote).isEmpty(), remote.toString());
            span.releaseMemory(rest);
        } finally {
            client.close();
            server.close();
        }
        Await.until("everything released", () -> rm.system().used(Resource.MEMORY) == 0);
        span.close();
    }

    @Test
    void bulkWritesFallBackToSingleFramesWhenTheLargerBufferIsRefused() throws Exception {
        // 512 KiB at MEDIUM (153/256) allows about 306 KiB: the one-frame send buffer fits, the
        // four-frame bulk buffer (256 KiB more) does not.
        ResourceManager rm = manager(512 * 1024);
        ConnectionSpan span = rm.openConnection(Direction.OUTBOUND, true);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
        CompletableFuture<SecureConnection> d = async(() -> dialer.secureOutbound(pair.initiator(), null, span));
        CompletableFuture<SecureConnection> l = async(() -> listener.secureInbound(pair.responder()));
        SecureConnection client = await(d);
        SecureConnection server = await(l);
        byte[] data = new byte[1 << 20];
        new java.util.SplittableRandom(3).nextBytes(data);
        CompletableFuture<byte[]> received = async(() -> server.in().readNBytes(data.length));
        client.out().write(data);
        client.out().flush();
        assertArrayEquals(data, await(received));
        assertTrue(rm.blocked().keySet().stream().anyMatch(k -> k.resource() == Resource.MEMORY),
                "the bulk buffer was refused");
        CompletableFuture<Integer> idle = async(() -> client.in().read()); // waits without a buffer
        Await.until("the client's buffers released", () -> rm.system().used(Resource.MEMORY) == 0);
        server.close();
        assertEquals(-1, await(idle));
        client.close();
        span.close();
    }
}
