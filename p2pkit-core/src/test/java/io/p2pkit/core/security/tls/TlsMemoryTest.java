package io.p2pkit.core.security.tls;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.testing.Await;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.p2pkit.testing.Futures.async;
import static io.p2pkit.testing.Futures.await;
import static io.p2pkit.testing.Futures.failure;
import static io.p2pkit.core.resource.MemoryLimits.manager;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS's record buffers are reserved in the connection's memory scope while they are held, as Noise's are. */
// a safety net against a hung handshake, not a timing assertion
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TlsMemoryTest {
    private static final List<String> MUXERS = List.of("/yamux/1.0.0");
    private static final long TIMEOUT_SECONDS = 30;

    /** A pending read ends, with end of stream or an I/O error, once its connection is gone. */
    private static void assertEnded(CompletableFuture<Integer> read) throws Exception {
        Object end = read.handle((n, e) -> e != null ? e : n).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(end instanceof IOException || Integer.valueOf(-1).equals(end), "the read ended with " + end);
    }

    private static TlsTransport transport() {
        return new TlsTransport(PrivateKey.generate(KeyType.ED25519), MUXERS);
    }

    /** The two ends of a TLS handshake under way over a memory connection. */
    private record Sides(CompletableFuture<SecureConnection> dialer, CompletableFuture<SecureConnection> listener) {
    }

    /** Starts a handshake over a new memory connection, each side charging its buffers to the scope given. */
    private Sides handshake(MemoryScope dialerMemory, MemoryScope listenerMemory) {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        TlsTransport dialer = transport();
        TlsTransport listener = transport();
        return new Sides(async(() -> dialer.secureOutbound(pair.initiator(), null, dialerMemory)),
                async(() -> listener.secureInbound(pair.responder(), listenerMemory)));
    }

    @Test
    void aHandshakeWithoutRoomForTheRecordBuffersFailsWithTheLimitAsCause() throws Exception {
        ResourceManager rm = manager(32 * 1024); // less than one record buffer
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        Sides sides = handshake(MemoryScope.UNLIMITED, span);
        CompletableFuture<SecureConnection> d = sides.dialer();
        CompletableFuture<SecureConnection> l = sides.listener();
        HandshakeException h = assertInstanceOf(HandshakeException.class, failure(l));
        ResourceLimitException limit = ResourceLimitException.find(h).orElseThrow(
                () -> new AssertionError("no local limit in " + h, h));
        assertEquals("connection", limit.scope());
        assertEquals(Resource.MEMORY, limit.resource());
        assertInstanceOf(IOException.class, failure(d)); // the listener closed the connection
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }

    @Test
    void aFailedHandshakeGivesItsBuffersBack() throws Exception {
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan dialerSpan = rm.openConnection(Direction.OUTBOUND, true);
        ConnectionSpan listenerSpan = rm.openConnection(Direction.INBOUND, true);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        TlsTransport dialer = transport();
        TlsTransport listener = transport();
        // the listener's Finished is wrong: the dialer refuses it, the listener reads the alert
        listener.testOptions(new Tls13Handshake.TestOptions(HandshakeMessages.FINISHED, false));
        CompletableFuture<SecureConnection> d = async(() -> dialer.secureOutbound(pair.initiator(), null, dialerSpan));
        CompletableFuture<SecureConnection> l = async(() -> listener.secureInbound(pair.responder(), listenerSpan));
        assertInstanceOf(HandshakeException.class, failure(d));
        assertInstanceOf(HandshakeException.class, failure(l));
        // no span is closed: what a failed handshake held, it gave back itself
        assertEquals(0, rm.system().used(Resource.MEMORY), "held: " + rm.system().usage());
        dialerSpan.close();
        listenerSpan.close();
    }

    @Test
    void buffersAreReservedOnlyWhileBytesAreInFlightAndARefusalClosesTheConnection() throws Exception {
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
        Sides sides = handshake(MemoryScope.UNLIMITED, span);
        CompletableFuture<SecureConnection> d = sides.dialer();
        CompletableFuture<SecureConnection> l = sides.listener();
        SecureConnection client = await(d);
        SecureConnection server = await(l);

        // An echo round: the server's buffers come and go with the bytes.
        byte[] message = "hello over reserved records".getBytes();
        client.out().write(message);
        client.out().flush();
        byte[] got = server.in().readNBytes(message.length);
        assertArrayEquals(message, got);
        server.out().write(got);
        server.out().flush();
        assertArrayEquals(message, client.in().readNBytes(message.length));
        // A reader back to waiting for the next record (as a muxer's read loop always is) holds nothing.
        CompletableFuture<Integer> read = async(() -> server.in().read());
        Await.until("an idle connection holds no reserved buffer", () -> rm.system().used(Resource.MEMORY) == 0);

        // Fill the scope meanwhile: the next record finds no room for its buffer.
        long rest = (1 << 20) - 16 * 1024;
        span.reserveMemory(rest, MemoryPriority.ALWAYS);
        client.out().write(1);
        client.out().flush();
        ResourceLimitException limit = assertInstanceOf(ResourceLimitException.class, failure(read));
        assertTrue(limit.getMessage().startsWith("local resource limit reached: scope connection"), limit.getMessage());
        // The connection is closed: the remote sees it end, and the local stream keeps failing the same way.
        assertThrows(IOException.class, () -> {
            if (client.in().read() >= 0) {
                throw new AssertionError("the client read a byte from a connection the server closed");
            }
            throw new IOException("end of stream");
        });
        assertThrows(ResourceLimitException.class, () -> server.in().read());
        span.releaseMemory(rest);
        Await.until("the reservations released", () -> rm.system().used(Resource.MEMORY) == 0);
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }

    @Test
    void aWriteWithoutRoomForItsBuffersFailsAndClosesTheConnection() throws Exception {
        ResourceManager rm = manager(1 << 20);
        ConnectionSpan span = rm.openConnection(Direction.OUTBOUND, true);
        Sides sides = handshake(span, MemoryScope.UNLIMITED);
        CompletableFuture<SecureConnection> d = sides.dialer();
        CompletableFuture<SecureConnection> l = sides.listener();
        SecureConnection client = await(d);
        SecureConnection server = await(l);
        CompletableFuture<Integer> serverRead = async(() -> server.in().read());
        CompletableFuture<Integer> clientRead = async(() -> client.in().read()); // as a muxer's read loop
        Await.until("the client idle", () -> rm.system().used(Resource.MEMORY) == 0);
        long rest = (1 << 20) - 64 * 1024; // the send buffers (64 KiB plaintext + four records) no longer fit
        span.reserveMemory(rest, MemoryPriority.ALWAYS);
        ResourceLimitException limit = assertThrows(ResourceLimitException.class, () -> client.out().write(7));
        assertEquals(Resource.MEMORY, limit.resource());
        assertEnded(serverRead);
        assertEnded(clientRead);
        span.releaseMemory(rest);
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }

    @Test
    void bulkTransfersKeepEveryByteAndLeaveNothingReservedWhenIdle() throws Exception {
        ResourceManager rm = manager(4 << 20);
        ConnectionSpan dialSpan = rm.openConnection(Direction.OUTBOUND, true);
        ConnectionSpan listenSpan = rm.openConnection(Direction.INBOUND, true);
        Sides sides = handshake(dialSpan, listenSpan);
        CompletableFuture<SecureConnection> d = sides.dialer();
        CompletableFuture<SecureConnection> l = sides.listener();
        SecureConnection client = await(d);
        SecureConnection server = await(l);
        byte[] data = new byte[3 << 20];
        new SplittableRandom(11).nextBytes(data);
        SplittableRandom sizes = new SplittableRandom(12);
        CompletableFuture<byte[]> received = async(() -> {
            // mixed read sizes: small ones through the plaintext buffer, large ones decrypted in place
            byte[] all = new byte[data.length];
            int at = 0;
            while (at < all.length) {
                int n = server.in().read(all, at, Math.min(all.length - at, 1 + sizes.nextInt(40_000)));
                if (n < 0) {
                    break;
                }
                at += n;
            }
            return all;
        });
        for (int at = 0; at < data.length; ) {
            int n = Math.min(data.length - at, 1 + (at % 3 == 0 ? 100_000 : 700));
            client.out().write(data, at, n);
            at += n;
            if (at % 5 == 0) {
                client.out().flush();
            }
        }
        client.out().flush();
        assertArrayEquals(data, await(received));
        CompletableFuture<Integer> idle = async(() -> server.in().read());
        CompletableFuture<Integer> idleClient = async(() -> client.in().read());
        Await.until("both sides' buffers given back", () -> rm.system().used(Resource.MEMORY) == 0);
        assertFalse(idle.isDone());
        client.close();
        assertEnded(idle);
        server.close();
        assertEnded(idleClient);
        dialSpan.close();
        listenSpan.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing held: " + rm.system().usage());
    }
}
