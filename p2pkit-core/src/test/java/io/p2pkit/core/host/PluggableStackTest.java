package io.p2pkit.core.host;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.Muxer;
import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.muxer.yamux.YamuxConfig;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.security.SecureTransport;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A security protocol and a muxer written here, outside the stack, given to two hosts through
 * {@link HostBuilder#security(SecureTransport.Factory)} and {@link HostBuilder#muxer(Muxer.Factory)}:
 * the hosts connect with them, negotiate them by preference order, and run protocols over them.
 */
class PluggableStackTest {
    private static final String ECHO = "/echo/1.0.0";

    @Test
    void twoHostsConnectWithASecurityProtocolAndAMuxerOfTheirOwn() throws Exception {
        MemoryNetwork net = new MemoryNetwork();
        AtomicInteger wrapped = new AtomicInteger();
        try (Host server = Host.builder().transport(key -> net.transport()).listen("/memory/0")
                .security(SignedXor::new).muxer(s -> new CountingMuxer(s, wrapped)).build();
             Host client = Host.builder().transport(key -> net.transport())
                     .security(SignedXor::new).muxer(s -> new CountingMuxer(s, wrapped)).build()) {
            server.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
            byte[] reply = echo(client, server, "through a stack of our own");
            assertArrayEquals("through a stack of our own".getBytes(StandardCharsets.UTF_8), reply);

            Connection c = client.network().connection(server.peerId()).orElseThrow();
            assertEquals(SignedXor.PROTOCOL_ID, c.security());
            assertEquals(CountingMuxer.PROTOCOL_ID, c.muxer());
            assertFalse(c.earlyMuxerNegotiation(), "the test's security agrees on no muxer in its handshake");
            assertEquals(server.peerId(), c.remotePeer());
            assertEquals(2, wrapped.get(), "one connection wrapped on each side");
            // identify ran over the same stack
            Await.until("identify names the echo protocol", () -> client.peerStore().supports(server.peerId(), ECHO));
        }
    }

    @Test
    void theFirstProtocolBothOfferWins() throws Exception {
        MemoryNetwork net = new MemoryNetwork();
        AtomicInteger wrapped = new AtomicInteger();
        // The server prefers Noise and yamux but also has the test's own; the client has only those.
        try (Host server = Host.builder().transport(key -> net.transport()).listen("/memory/0")
                .security(NoiseTransport::new).security(SignedXor::new)
                .muxers("yamux").muxer(s -> new CountingMuxer(s, wrapped)).build();
             Host client = Host.builder().transport(key -> net.transport())
                     .security(SignedXor::new).muxer(s -> new CountingMuxer(s, wrapped)).build()) {
            server.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
            assertArrayEquals(new byte[] {7}, echo(client, server, "\u0007"));
            Connection c = server.network().connections(client.peerId()).getFirst();
            assertEquals(SignedXor.PROTOCOL_ID, c.security());
            assertEquals(CountingMuxer.PROTOCOL_ID, c.muxer());
        }
    }

    /** A dialer whose first choice the listener lacks: its lazy proposal is refused, and it redials proposing normally. */
    @Test
    void aDialerPreferringTlsReachesANoiseOnlyListener() throws Exception {
        try (Host server = Host.builder().transport(key -> new TcpTransport())
                .listen("/ip4/127.0.0.1/tcp/0").security("noise").build()) {
            server.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
            for (int i = 0; i < 5; i++) {
                try (Host client = Host.builder().transport(key -> new TcpTransport()).security("tls", "noise").build()) {
                    assertArrayEquals(new byte[] {7}, echo(client, server, "\u0007"));
                    assertEquals("/noise", client.network().connection(server.peerId()).orElseThrow().security());
                }
            }
        }
    }

    /**
     * The same when the refusal never arrives: a listener without the protocol answers {@code na},
     * then reads the handshake bytes that followed the proposal as its next message and closes,
     * which can reset the connection before the dialer reads the {@code na} (go-libp2p over a
     * relayed stream did). Here a proxy in front of a Noise-only host resets the first connection
     * as soon as the dialer's first flight arrives, answering nothing; the dialer redials once
     * proposing normally and gets Noise.
     */
    @Test
    void aLazyProposalThatEndsWithNoAnswerIsRedialedWhenOtherProtocolsAreLeft() throws Exception {
        try (Host server = Host.builder().transport(key -> new TcpTransport())
                .listen("/ip4/127.0.0.1/tcp/0").security("noise").build();
             ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
            int serverPort = Integer.parseInt(server.addresses().getFirst().toString().replaceAll(".*/tcp/", ""));
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket in = proxy.accept();
                        if (accepted.incrementAndGet() == 1) {
                            in.getInputStream().read(new byte[4096]); // the dialer's first flight, left half-read
                            in.setSoLinger(true, 0);
                            in.close(); // a reset, no answer
                            continue;
                        }
                        Socket out = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                        Thread.ofVirtual().start(() -> pipe(in, out));
                        Thread.ofVirtual().start(() -> pipe(out, in));
                    }
                } catch (IOException e) {
                    // the proxy closed with the test
                }
            });
            try (Host client = Host.builder().transport(key -> new TcpTransport()).security("tls", "noise").build()) {
                Multiaddr viaProxy = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + proxy.getLocalPort());
                client.connect(new PeerInfo(server.peerId(), List.of(viaProxy)));
                assertEquals("/noise", client.network().connection(server.peerId()).orElseThrow().security());
                assertEquals(2, accepted.get(), "the reset first connection, then the redial");
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (from; to) {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed: so does the other
        }
    }

    @Test
    void twoProtocolsWithOneIdAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Host.builder().security(SignedXor::new).security(SignedXor::new).build());
        assertTrue(e.getMessage().contains(SignedXor.PROTOCOL_ID), e.getMessage());
    }

    private static byte[] echo(Host from, Host to, String text) throws IOException {
        try (Stream s = from.newStream(new PeerInfo(to.peerId(), to.addresses()), ECHO)) {
            s.out().write(text.getBytes(StandardCharsets.UTF_8));
            s.closeWrite();
            return s.in().readAllBytes();
        }
    }

    /**
     * A toy security protocol: each side sends its public key and a nonce, then its signature over
     * the other's nonce, which proves it holds the key; afterwards every byte is XORed with a pad.
     * Not secure, but it authenticates the remote and transforms the bytes, as a real one must.
     */
    static final class SignedXor implements SecureTransport {
        static final String PROTOCOL_ID = "/test/signed-xor/1.0.0";
        private static final int PAD = 0x5A;
        private final PrivateKey identity;

        SignedXor(PrivateKey identity, List<String> muxers) {
            this.identity = identity;
        }

        @Override
        public String protocolId() {
            return PROTOCOL_ID;
        }

        @Override
        public SecureConnection secureOutbound(RawConnection connection, PeerId expectedRemote) throws IOException {
            return handshake(connection, expectedRemote);
        }

        @Override
        public SecureConnection secureInbound(RawConnection connection) throws IOException {
            return handshake(connection, null);
        }

        private SecureConnection handshake(RawConnection c, PeerId expected) throws IOException {
            byte[] nonce = new byte[16];
            new SecureRandom().nextBytes(nonce);
            LengthPrefixed.write(c.out(), identity.publicKey().marshal());
            LengthPrefixed.write(c.out(), nonce);
            c.out().flush();
            PublicKey remoteKey = PublicKey.unmarshal(read(c));
            byte[] remoteNonce = read(c);
            LengthPrefixed.write(c.out(), identity.sign(remoteNonce));
            c.out().flush();
            if (!remoteKey.verify(nonce, read(c))) {
                throw new HandshakeException("the remote does not hold its key");
            }
            PeerId remote = remoteKey.toPeerId();
            if (expected != null && !expected.equals(remote)) {
                throw new HandshakeException("expected " + expected + ", reached " + remote);
            }
            return new Secured(c, identity.publicKey().toPeerId(), remote, remoteKey);
        }

        private static byte[] read(RawConnection c) throws IOException {
            byte[] b = LengthPrefixed.read(c.in(), 4096);
            if (b == null) {
                throw new HandshakeException("the remote closed during the handshake");
            }
            return b;
        }

        private record Secured(RawConnection raw, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey,
                               InputStream in, OutputStream out) implements SecureConnection {
            Secured(RawConnection raw, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey) {
                this(raw, localPeer, remotePeer, remotePublicKey, new FilterInputStream(raw.in()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        return b < 0 ? b : (b ^ PAD);
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        for (int i = 0; i < n; i++) {
                            b[off + i] ^= (byte) PAD;
                        }
                        return n;
                    }
                }, new FilterOutputStream(raw.out()) {
                    @Override
                    public void write(int b) throws IOException {
                        out.write(b ^ PAD);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        byte[] x = Arrays.copyOfRange(b, off, off + len);
                        for (int i = 0; i < x.length; i++) {
                            x[i] ^= (byte) PAD;
                        }
                        out.write(x);
                    }
                });
            }

            @Override
            public String securityProtocol() {
                return PROTOCOL_ID;
            }

            @Override
            public Optional<String> earlyMuxer() {
                return Optional.empty();
            }

            @Override
            public void closeWrite() throws IOException {
                out.flush();
                raw.closeWrite();
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        }
    }

    /** A muxer under a protocol ID of its own that counts the connections it wraps; yamux does the framing. */
    static final class CountingMuxer implements Muxer {
        static final String PROTOCOL_ID = "/test/counting-mux/1.0.0";
        private final Muxer framing;
        private final AtomicInteger wrapped;

        CountingMuxer(ScheduledExecutorService scheduler, AtomicInteger wrapped) {
            this.framing = Yamux.factory(YamuxConfig.defaults()).create(scheduler);
            this.wrapped = wrapped;
        }

        @Override
        public String protocolId() {
            return PROTOCOL_ID;
        }

        @Override
        public MuxedConnection wrap(RawConnection connection, boolean initiator) throws IOException {
            wrapped.incrementAndGet();
            MuxedConnection inner = framing.wrap(connection, initiator);
            return new MuxedConnection() {
                @Override
                public MuxedStream openStream() throws IOException {
                    return inner.openStream();
                }

                @Override
                public MuxedStream acceptStream() throws IOException {
                    return inner.acceptStream();
                }

                @Override
                public boolean isClosed() {
                    return inner.isClosed();
                }

                @Override
                public void close() throws IOException {
                    inner.close();
                }
            };
        }
    }
}
