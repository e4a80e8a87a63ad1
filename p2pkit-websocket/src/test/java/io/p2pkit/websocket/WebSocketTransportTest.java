package io.p2pkit.websocket;

import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebSocketTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    @TempDir
    static Path dir;
    static TestCa ca;
    static SSLContext serverTls;
    static SSLContext clientTls;

    @BeforeAll
    static void certificates() throws Exception {
        ca = new TestCa("p2pkit test CA");
        TestCa.Issued server = ca.issue(new String[] {"localhost", "node.test"}, new String[] {"127.0.0.1", "::1"});
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        server.write(chain, key, ca);
        serverTls = WssTls.serverContext(chain, key);
        clientTls = WssTls.clientContext(ca.writeCertificate(dir.resolve("ca.pem")));
    }

    private static WebSocketTransport transport() {
        return new WebSocketTransport(WebSocketConfig.defaults(), serverTls, clientTls);
    }

    @Test
    void addressForms() {
        WebSocketTransport t = transport();
        for (String a : List.of("/ip4/127.0.0.1/tcp/1/ws", "/ip6/::1/tcp/1/wss", "/dns4/example.test/tcp/1/tls/ws",
                "/dns/example.test/tcp/443/tls/sni/example.test/ws", "/ip4/1.2.3.4/tcp/1/ws/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")) {
            assertTrue(t.canDial(Multiaddr.parse(a)), a);
        }
        for (String a : List.of("/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/1/ws/ws", "/ip4/127.0.0.1/udp/1/ws",
                "/ip4/127.0.0.1/tcp/1/tls/sni/x/wss", "/dnsaddr/example.test/tcp/1/ws")) {
            assertFalse(t.canDial(Multiaddr.parse(a)), a);
        }
        assertTrue(t.canListen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/wss")));
        assertFalse(t.canListen(Multiaddr.parse("/dns4/localhost/tcp/0/ws")));
        assertFalse(new WebSocketTransport().canListen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/wss")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0/ws", "/ip6/::1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0/wss",
            "/ip4/127.0.0.1/tcp/0/tls/ws"})
    void rawConnectionCarriesBytesBothWaysAndHalfCloses(String listenOn) throws Exception {
        WebSocketTransport t = transport();
        try (Listener l = t.listen(Multiaddr.parse(listenOn))) {
            assertTrue(l.address().toString().endsWith(listenOn.substring(listenOn.indexOf("/tcp/0") + 6)), l.address().toString());
            CompletableFuture<byte[]> echoed = new CompletableFuture<>();
            Thread server = Thread.ofVirtual().start(() -> {
                try (ByteStreamConnection c = (ByteStreamConnection) l.accept()) {
                    byte[] all = c.in().readAllBytes(); // until the client's close frame
                    c.out().write(all);
                    c.out().flush();
                    echoed.complete(all);
                } catch (Throwable e) {
                    echoed.completeExceptionally(e);
                }
            });
            byte[] data = new byte[1 << 20];
            new SplittableRandom(1).nextBytes(data);
            try (ByteStreamConnection c = t.dial(l.address(), TIMEOUT)) {
                assertTrue(c.remoteAddress().toString().contains("/ws"), c.remoteAddress().toString());
                for (int off = 0; off < data.length; off += 50_000) {
                    c.out().write(data, off, Math.min(50_000, data.length - off));
                    c.out().flush();
                }
                c.closeWrite();
                assertThrows(IOException.class, () -> c.out().write(1));
                assertArrayEquals(data, c.in().readAllBytes());
            }
            assertArrayEquals(data, echoed.get(10, TimeUnit.SECONDS));
            Await.join(server);
        }
    }

    @Test
    void wssRefusesAServerItCannotVerify() throws Exception {
        TestCa other = new TestCa("someone else");
        SSLContext trustsOther = WssTls.clientContext(List.of(other.certificate));
        WebSocketTransport t = transport();
        try (Listener l = t.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/wss"))) {
            Thread.ofVirtual().start(() -> {
                try {
                    l.accept().close();
                } catch (IOException ignored) {
                    // the listener closes at the end of the test
                }
            });
            WebSocketTransport dialer = new WebSocketTransport(WebSocketConfig.defaults(), null, trustsOther);
            assertThrows(SSLException.class, () -> dialer.dial(l.address(), TIMEOUT));
            // A name the certificate does not hold fails too, even with the right CA.
            int port = l.address().toSocketAddress().orElseThrow().getPort();
            assertThrows(SSLException.class, () -> t.dial(
                    Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/tls/sni/wrong.test/ws"), TIMEOUT));
            // The name it does hold works through /sni.
            try (ByteStreamConnection c = t.dial(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/tls/sni/node.test/ws"), TIMEOUT)) {
                assertEquals("/tls/ws", c.remoteAddress().toString().substring(c.remoteAddress().toString().indexOf("/tls")));
            }
        }
    }

    @Test
    void listenerAnswersPingsAndRefusesPlainHttp() throws Exception {
        WebSocketTransport t = transport();
        try (Listener l = t.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"))) {
            int port = l.address().toSocketAddress().orElseThrow().getPort();
            // A plain HTTP GET is answered with 400 and closed; the listener goes on.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
            }
            CompletableFuture<String> got = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (ByteStreamConnection c = (ByteStreamConnection) l.accept()) {
                    got.complete(new String(c.in().readAllBytes(), StandardCharsets.UTF_8));
                } catch (Throwable e) {
                    got.completeExceptionally(e);
                }
            });
            try (WebSocketConnection c = (WebSocketConnection) t.dial(l.address(), TIMEOUT)) {
                c.ping("are you there".getBytes(StandardCharsets.UTF_8));
                c.out().write("after ping".getBytes(StandardCharsets.UTF_8));
                c.out().flush();
                c.closeWrite();
                assertEquals(-1, c.in().read()); // the pong is consumed, then the server's close ends the input
                assertEquals(CloseStatus.NORMAL, c.closeStatusReceived());
            }
            assertEquals("after ping", got.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void acceptFailsOnceTheListenerCloses() throws Exception {
        Listener l = transport().listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                l.accept();
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
        l.close();
        assertTrue(failure.get(10, TimeUnit.SECONDS) instanceof IOException);
        assertThrows(IOException.class, l::accept);
    }

    /** A private network wraps WebSocket connections as it wraps TCP: the same key talks, another does not. */
    @ParameterizedTest
    @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0/wss"})
    void aPrivateNetworkRunsOverWebSocket(String listenOn) throws Exception {
        PreSharedKey key = PreSharedKey.generate();
        try (Host server = Host.builder().transport(k -> transport()).privateNetwork(key).listen(listenOn).build();
             Host client = Host.builder().transport(k -> transport()).privateNetwork(key).build();
             Host outsider = Host.builder().transport(k -> transport())
                     .privateNetwork(PreSharedKey.generate()).build()) {
            PeerInfo info = PeerInfo.fromMultiaddr(server.addresses().get(0).encapsulate("/p2p/" + server.peerId()));
            Connection c = client.connect(info);
            assertTrue(c.remoteAddress().toString().endsWith("/ws"), c.remoteAddress().toString());
            try (PingSession ping = client.service(PingService.class).orElseThrow().session(c)) {
                ping.ping();
            }
            assertThrows(DialException.class, () -> outsider.connect(info));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0/wss"})
    void hostsTalkOverWebSocket(String listenOn) throws Exception {
        try (Host server = Host.builder().transport(key -> new TcpTransport()).transport(key -> transport())
                .listen(listenOn).build();
             Host client = Host.builder().transport(key -> new TcpTransport()).transport(key -> transport()).build()) {
            server.setStreamHandler("/echo/1.0.0", s -> {
                s.in().transferTo(s.out());
                s.closeWrite();
            });
            Multiaddr addr = server.addresses().get(0);
            assertTrue(addr.hasProtocol(io.p2pkit.core.multiaddr.Protocol.TCP));
            PeerInfo info = PeerInfo.fromMultiaddr(addr.encapsulate("/p2p/" + server.peerId()));
            Connection c = client.connect(info);
            assertTrue(c.remoteAddress().toString().endsWith("/ws"), c.remoteAddress().toString());
            try (PingSession ping = client.service(PingService.class).orElseThrow().session(c)) {
                ping.ping();
            }
            byte[] data = new byte[1 << 20];
            new SplittableRandom(5).nextBytes(data);
            try (Stream s = client.newStream(info, "/echo/1.0.0")) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try (OutputStream out = s.out()) {
                        out.write(data);
                        s.closeWrite();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                try (InputStream in = s.in()) {
                    assertArrayEquals(data, in.readAllBytes());
                }
                Await.join(writer);
            }
        }
    }
}
