package io.p2pkit.node.p2p;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes with stream mounting on loopback: a forwarder on one and a listener on the other
 * join a TCP client to a TCP echo server, bytes both ways with half-close; the registries' IDs,
 * entries and Kubo's errors; closing listeners, forwarders and streams.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamMountingTest {
    private static Node a;
    private static Node b;
    private static StreamMounting listening;
    private static StreamMounting forwarding;
    private static EchoServer echo;

    @BeforeAll
    static void start() throws IOException {
        a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").streamMounting(true).build());
        b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").streamMounting(true).build());
        listening = a.streamMounting().orElseThrow();
        forwarding = b.streamMounting().orElseThrow();
        echo = new EchoServer();
    }

    @AfterAll
    static void stop() throws IOException {
        a.close();
        b.close();
        echo.close();
    }

    @AfterEach
    void closeAll() {
        listening.close(l -> true);
        forwarding.close(l -> true);
        listening.resetAll();
        forwarding.resetAll();
    }

    private static PeerInfo peerA() {
        return new PeerInfo(a.peerId(), a.host().addresses());
    }

    private static Multiaddr forward(String protocol) throws IOException {
        return forwarding.forward(protocol, Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), peerA()).listenAddress();
    }

    private static Socket dial(Multiaddr at) throws IOException {
        Socket s = new Socket();
        s.connect(at.toSocketAddress().orElseThrow(), 5_000);
        s.setSoTimeout(30_000);
        return s;
    }

    @Test
    void aMebibyteGoesThroughAndComesBackWithHalfClose() throws Exception {
        listening.listen("/x/echo", echo.address(), false);
        Multiaddr port = forward("/x/echo");
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (Socket s = dial(port)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput(); // the end goes through as a half-close; the echo still answers
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes(); // ends when the echo server's end comes back
            Await.join(writer);
            assertArrayEquals(data, back);
        }
        Await.until("both sides unlisted the stream", () -> listening.streams().isEmpty() && forwarding.streams().isEmpty());
    }

    @Test
    void streamsAreListedWithTheirEndsAndClosedById() throws Exception {
        listening.listen("/x/ls", echo.address(), false);
        Multiaddr port = forward("/x/ls");
        try (Socket s = dial(port)) {
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            List<MountedStreamInfo> out = forwarding.streams();
            assertEquals(1, out.size(), out.toString());
            assertEquals("/x/ls", out.get(0).protocol());
            assertEquals(Multiaddr.of((InetSocketAddress) s.getLocalSocketAddress(), "tcp"), out.get(0).origin(),
                    "the TCP client's address, as Kubo's OriginAddress");
            assertEquals(Multiaddr.parse("/p2p/" + a.peerId()), out.get(0).target());
            List<MountedStreamInfo> in = listening.streams();
            assertEquals(1, in.size(), in.toString());
            assertEquals(Multiaddr.parse("/p2p/" + b.peerId()), in.get(0).origin());
            assertEquals(echo.address(), in.get(0).target());

            assertTrue(forwarding.resetStream(out.get(0).id()));
            assertTrue(forwarding.streams().isEmpty(), "unlisted at once, as Kubo's Reset");
            assertEquals(-1, readOrEnd(s.getInputStream()), "the TCP connection is closed");
            Await.until("the other side saw the reset", () -> listening.streams().isEmpty());
        }
        assertTrue(!forwarding.resetStream(12345), "no such stream");
    }

    /** One byte, or -1 when the connection ended or was reset. */
    private static int readOrEnd(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void handlerIdsCountUpAndSurviveTheirListenersClose() throws Exception {
        listening.listen("/x/ids", echo.address(), false);
        Multiaddr port = forward("/x/ids");
        try (Socket first = dial(port); Socket second = dial(port)) {
            for (Socket s : List.of(first, second)) {
                s.getOutputStream().write(1);
                assertEquals(1, s.getInputStream().read());
            }
            List<Long> ids = forwarding.streams().stream().map(MountedStreamInfo::id).toList();
            assertEquals(2, ids.size());
            assertEquals(ids.get(0) + 1, ids.get(1), "IDs count up: " + ids);
            assertEquals(2, forwarding.close(l -> l.protocol().equals("/x/ids")) + listening.close(l -> true));
            assertThrows(IOException.class, () -> dial(port), "the forwarder's TCP listener is closed");
            first.getOutputStream().write(2);
            assertEquals(2, first.getInputStream().read(), "mounted streams go on, as in Kubo");
            assertEquals(2, forwarding.resetAll());
        }
    }

    @Test
    void aStreamForAProtocolNoLongerListenedToIsRefused() throws Exception {
        Multiaddr port = forward("/x/nobody");
        try (Socket s = dial(port)) {
            s.getOutputStream().write(1);
            assertEquals(-1, readOrEnd(s.getInputStream()), "the peer refused the protocol: the connection is closed");
        }
        Await.until("nothing stays listed", () -> forwarding.streams().isEmpty());
    }

    @Test
    void reportPeerIdSendsTheRemotesIdFirst() throws Exception {
        AtomicReference<String> firstLine = new AtomicReference<>();
        try (ServerSocket target = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket c = target.accept()) {
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    for (int ch; (ch = c.getInputStream().read()) >= 0 && ch != '\n'; ) {
                        line.write(ch);
                    }
                    firstLine.set(line.toString(StandardCharsets.US_ASCII));
                    c.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    firstLine.set("failed: " + e);
                }
            });
            listening.listen("/x/who", Multiaddr.of((InetSocketAddress) target.getLocalSocketAddress(), "tcp"), true);
            Multiaddr port = forward("/x/who");
            try (Socket s = dial(port)) {
                assertEquals("ok", new String(s.getInputStream().readNBytes(2), StandardCharsets.US_ASCII));
            }
            Await.join(server);
            assertEquals(b.peerId().toString(), firstLine.get());
        }
    }

    @Test
    void kubosErrors() throws Exception {
        IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class,
                () -> StreamMounting.checkProtocol("/echo", false));
        assertEquals("protocol name must be within '/x/' namespace", prefix.getMessage());
        StreamMounting.checkProtocol("/echo", true);
        assertEquals("port can not be 0", assertThrows(IllegalArgumentException.class,
                () -> listening.listen("/x/p", Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), false)).getMessage());
        assertEquals("address does not contain tcp or udp protocol", assertThrows(IllegalArgumentException.class,
                () -> listening.listen("/x/p", Multiaddr.parse("/ip4/127.0.0.1"), false)).getMessage());
        listening.listen("/x/twice", echo.address(), false);
        assertEquals("listener already registered", assertThrows(IllegalStateException.class,
                () -> listening.listen("/x/twice", echo.address(), false)).getMessage());
        assertEquals(1, listening.listeners().size(), "the first one stays");

        Multiaddr port = forward("/x/bound");
        InetSocketAddress at = port.toSocketAddress().orElseThrow();
        IOException inUse = assertThrows(IOException.class,
                () -> forwarding.forward("/x/other", port, peerA()));
        assertEquals("listen tcp4 127.0.0.1:" + at.getPort() + ": bind: address already in use", inUse.getMessage());
        assertEquals("listen udp4 127.0.0.1:0: address 127.0.0.1:0: unexpected address type",
                assertThrows(IOException.class, () -> forwarding.forward("/x/u",
                        Multiaddr.parse("/ip4/127.0.0.1/udp/0"), peerA())).getMessage(), "Go's net.Listen on UDP");
        assertThrows(IllegalArgumentException.class, () -> forwarding.forward("/x/d",
                Multiaddr.parse("/dns4/localhost/tcp/0"), peerA()), "p2pkit binds IP addresses only");
        assertThrows(IllegalArgumentException.class, () -> listening.listen("/x/u",
                Multiaddr.parse("/ip4/127.0.0.1/udp/5"), false), "p2pkit joins streams to TCP targets only");
        assertEquals(List.of("/x/bound"), forwarding.listeners().stream().map(P2pListener::protocol).toList());
    }

    @Test
    void lsListsForwardersThenListenersAndCloseMatches() throws Exception {
        listening.listen("/x/one", echo.address(), false);
        listening.listen("/x/two", echo.address(), false);
        Multiaddr port = forward("/x/one");
        List<P2pListener> onA = listening.listeners();
        assertEquals(List.of("/x/one", "/x/two"), onA.stream().map(P2pListener::protocol).toList());
        assertEquals(Multiaddr.parse("/p2p/" + a.peerId()), onA.get(0).listenAddress());
        assertEquals(echo.address(), onA.get(0).targetAddress());
        P2pListener f = forwarding.listeners().get(0);
        assertEquals(port, f.listenAddress());
        assertEquals(Multiaddr.parse("/p2p/" + a.peerId()), f.targetAddress());
        assertEquals(0, listening.close(l -> l.protocol().equals("/x/none")));
        assertEquals(1, listening.close(l -> l.protocol().equals("/x/two")));
        assertEquals(List.of("/x/one"), listening.listeners().stream().map(P2pListener::protocol).toList());
    }

    @Test
    void offUnlessConfigured() throws IOException {
        try (Node off = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build())) {
            assertTrue(off.streamMounting().isEmpty());
            assertTrue(!off.host().protocols().contains(StreamMounting.PREFIX), "no /x/ handler");
        }
        assertTrue(a.host().protocols().contains(StreamMounting.PREFIX), "/x/ is served, as Kubo serves it");
    }

    /** A TCP echo server on loopback: each connection's bytes back, and its end (half-close) back too. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        EchoServer() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket c = server.accept();
                        Thread.ofVirtual().start(() -> echo(c));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void echo(Socket c) {
            try (c) {
                byte[] buffer = new byte[8192];
                InputStream in = c.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    c.getOutputStream().write(Arrays.copyOf(buffer, n));
                }
                c.shutdownOutput();
            } catch (IOException e) {
                // the client went away
            }
        }

        Multiaddr address() {
            return Multiaddr.of((InetSocketAddress) server.getLocalSocketAddress(), "tcp");
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
