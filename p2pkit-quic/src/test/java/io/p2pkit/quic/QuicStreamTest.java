package io.p2pkit.quic;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams of two QUIC transports talking directly, without hosts. */
class QuicStreamTest {
    private QuicTransport server;
    private QuicTransport client;
    private PeerId serverId;
    private Listener listener;
    private MuxedConnection dialed;
    private MuxedConnection accepted;

    @BeforeEach
    void connect() throws Exception {
        connect(QuicConfig.defaults());
    }

    private void connect(QuicConfig config) throws Exception {
        close();
        PrivateKey key = PrivateKey.generateEd25519();
        serverId = key.publicKey().toPeerId();
        server = new QuicTransport(key, config);
        client = new QuicTransport(PrivateKey.generateEd25519(), config);
        listener = server.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
        CompletableFuture<MuxedConnection> in = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                in.complete(((ReadyConnection) listener.accept()).upgraded().muxed());
            } catch (IOException e) {
                in.completeExceptionally(e);
            }
        });
        dialed = ((ReadyConnection) client.dial(listener.address(), serverId, Duration.ofSeconds(10))).upgraded().muxed();
        accepted = in.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void closeWriteAfterTheRemoteFinished() throws Exception {
        MuxedStream out = dialed.openStream();
        out.out().write(new byte[] {1});
        MuxedStream in = accepted.acceptStream();
        assertEquals(1, in.in().read());
        in.out().write(new byte[] {2, 3});
        in.closeWrite();
        assertArrayEquals(new byte[] {2, 3}, out.in().readAllBytes());
        out.closeWrite(); // the remote finished first: our FIN must still go out
        assertEquals(-1, in.in().read());
        out.close();
        in.close();
    }

    @Test
    void halfCloseKeepsTheOtherDirectionOpen() throws Exception {
        MuxedStream out = dialed.openStream();
        out.out().write(new byte[] {7});
        out.closeWrite();
        MuxedStream in = accepted.acceptStream();
        assertArrayEquals(new byte[] {7}, in.in().readAllBytes());
        in.out().write(new byte[] {8, 9});
        in.closeWrite();
        assertArrayEquals(new byte[] {8, 9}, out.in().readAllBytes());
    }

    @Test
    void resetReachesTheRemote() throws Exception {
        MuxedStream out = dialed.openStream();
        out.out().write(new byte[] {1});
        MuxedStream in = accepted.acceptStream();
        assertEquals(1, in.in().read());
        out.reset();
        assertThrows(StreamResetException.class, () -> in.in().read());
        assertThrows(IOException.class, () -> out.out().write(new byte[] {1}));
    }

    @Test
    void aSlowReaderHoldsTheWriterBack() throws Exception {
        // small windows so that the test moves little data
        connect(QuicConfig.defaults().withWindows(16 * 1024, 64 * 1024, 16 * 1024));
        MuxedStream out = dialed.openStream();
        byte[] data = new byte[1 << 20];
        new java.util.SplittableRandom(3).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                out.out().write(data);
                out.closeWrite();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        MuxedStream in = accepted.acceptStream();
        // the receiver has not read: the writer cannot finish, bounded by windows and buffers
        assertThrows(java.util.concurrent.TimeoutException.class, () -> writer.get(500, TimeUnit.MILLISECONDS));
        assertTrue(in.in().available() <= 16 * 1024 + 64 * 1024, "buffered " + in.in().available());
        assertArrayEquals(data, in.in().readAllBytes());
        writer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void closingTheConnectionEndsAcceptAndStreams() throws Exception {
        MuxedStream out = dialed.openStream();
        out.out().write(1);
        MuxedStream in = accepted.acceptStream();
        assertEquals(1, in.in().read());
        dialed.close();
        assertThrows(IOException.class, () -> in.in().read());
        assertEquals(null, accepted.acceptStream());
        assertTrue(accepted.isClosed());
    }
}
