package io.p2pkit.webtransport;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Streams the remote opens before the network has given the session its span ({@code chargeTo})
 * hold nothing uncounted: they read no more until then, and what came with the stream's header
 * is charged at that point.
 */
class WebTransportChargingTest {
    private WebTransportTransport server;
    private WebTransportTransport client;
    private Listener listener;
    private ReadyConnection dialed;
    private ReadyConnection accepted;

    @AfterEach
    void close() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {dialed, accepted, listener, client, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        }
    }

    /** Counts what is reserved and released; refuses everything when {@code refuse}. */
    private static final class CountingScope implements MemoryScope {
        final AtomicLong reserved = new AtomicLong();
        final AtomicLong released = new AtomicLong();
        final boolean refuse;

        CountingScope(boolean refuse) {
            this.refuse = refuse;
        }

        @Override
        public void reserveMemory(long bytes, int priority) throws ResourceLimitException {
            if (refuse) {
                throw new ResourceLimitException("test", io.p2pkit.core.resource.Resource.MEMORY, 0, bytes,
                        io.p2pkit.core.Direction.INBOUND);
            }
            reserved.addAndGet(bytes);
        }

        @Override
        public void releaseMemory(long bytes) {
            released.addAndGet(bytes);
        }
    }

    private void connect() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        server = new WebTransportTransport(key);
        client = new WebTransportTransport(PrivateKey.generateEd25519());
        listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1/webtransport"));
        CompletableFuture<ReadyConnection> in = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                in.complete((ReadyConnection) listener.accept());
            } catch (IOException e) {
                in.completeExceptionally(e);
            }
        });
        dialed = client.dial(listener.address(), key.publicKey().toPeerId(), Duration.ofSeconds(10));
        accepted = in.get(10, TimeUnit.SECONDS);
        dialed.chargeTo(MemoryScope.UNLIMITED); // as the swarm does at the upgrade
    }

    private static byte[] sent(MuxedStream out) throws IOException {
        byte[] data = new byte[200_000];
        new Random(5).nextBytes(data);
        out.out().write(data);
        out.closeWrite();
        return data;
    }

    @Test
    void aStreamOpenedBeforeTheSessionIsChargedReadsOnlyOnceItIs() throws Exception {
        connect();
        byte[] data = sent(dialed.openStream());
        MuxedStream in = accepted.acceptStream();
        CountingScope span = new CountingScope(false);
        accepted.chargeTo(span);
        assertArrayEquals(data, in.in().readAllBytes());
        assertEquals(data.length, span.reserved.get(), "every byte handed over was charged to the span it got");
        assertEquals(data.length, span.released.get(), "and given back as read");
    }

    @Test
    void aSpanThatRefusesTheBytesAlreadyHereResetsOnlyThatStream() throws Exception {
        connect();
        sent(dialed.openStream());
        MuxedStream in = accepted.acceptStream();
        accepted.chargeTo(new CountingScope(true));
        assertThrows(IOException.class, () -> in.in().readAllBytes());
        // the session lives on: a stream charged to a span that accepts goes through
        assertEquals(false, accepted.isClosed());
    }
}
