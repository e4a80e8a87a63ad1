package io.p2pkit.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.util.AttributeKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.security.tls.PeerCertificate;
import io.p2pkit.core.security.tls.PeerTrustManager;
import io.p2pkit.quic.internal.UdpSockets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One UDP socket that accepts QUIC connections (when a listener is attached) and dials them,
 * through {@link PacketRouter}. It stays open while it has a listener or connections.
 */
final class QuicEndpoint {
    private static final System.Logger LOG = LazyLogger.of(QuicEndpoint.class);

    private static final AttributeKey<QuicConnection> CONNECTION = AttributeKey.valueOf("p2pkit.quic.connection");
    private static final AttributeKey<PeerId> EXPECTED = AttributeKey.valueOf("p2pkit.quic.expected");
    private static final AttributeKey<PeerTrustManager.Verification> VERIFICATION =
            AttributeKey.valueOf("p2pkit.quic.verification");
    /** Where a dial learns its handshake's verification, which its failed connect future does not carry. */
    private static final AttributeKey<AtomicReference<PeerTrustManager.Verification>> DIAL_VERIFICATION =
            AttributeKey.valueOf("p2pkit.quic.dialVerification");
    private static final AttributeKey<CompletableFuture<QuicConnection>> READY =
            AttributeKey.valueOf("p2pkit.quic.ready");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final QuicTransport transport;
    private final QuicConfig config;
    private final PacketRouter router = new PacketRouter(this::afterPackets);
    private final Set<QuicConnection> connections = ConcurrentHashMap.newKeySet();
    private final boolean keepWithoutListener;
    private volatile QuicListener listener;
    private volatile Channel udp;

    private QuicEndpoint(QuicTransport transport, boolean keepWithoutListener) {
        this.transport = transport;
        this.config = transport.config();
        this.keepWithoutListener = keepWithoutListener;
    }

    /**
     * Binds a UDP socket.
     *
     * @param keepWithoutListener whether the socket lives on with no listener and no connections
     *                            (the transport's shared dialing socket)
     */
    static QuicEndpoint bind(QuicTransport transport, InetSocketAddress address, boolean keepWithoutListener)
            throws IOException {
        QuicEndpoint e = new QuicEndpoint(transport, keepWithoutListener);
        e.open(address);
        return e;
    }

    private void open(InetSocketAddress address) throws IOException {
        ChannelHandler server = codec(new QuicServerCodecBuilder(), ch -> engine(ch, transport.tls().serverEngine(ch)))
                .option(ChannelOption.ALLOCATOR, transport.allocator())
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segments())
                .streamOption(ChannelOption.ALLOCATOR, transport.allocator())
                .handler(new ConnectionInit(false)).streamHandler(new StreamInit()).build();
        ChannelHandler client = codec(new QuicClientCodecBuilder(), ch -> engine(ch, transport.tls().clientEngine(ch)))
                .build();
        Bootstrap b = UdpSockets.bootstrap(transport.eventLoop(), address, config, transport.allocator(),
                        transport.segmentOffload())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(router, server)
                                .addLast(PacketRouter.CLIENT_ENTRY, PacketRouter.ClientEntry.INSTANCE)
                                .addLast(client);
                    }
                });
        ChannelFuture bound = b.bind(address);
        NettyFutures.await(bound, Duration.ofSeconds(10), "binding UDP " + address);
        udp = bound.channel();
    }

    private <B extends QuicCodecBuilder<B>> B codec(B builder, Function<QuicChannel, QuicSslEngine> engines) {
        return UdpSockets.settings(builder, config).sslEngineProvider(engines)
                .initialMaxStreamsUnidirectional(0)
                .localConnectionIdLength(PacketRouter.ID_LENGTH);
    }

    /** How quiche's packets of one turn leave: in one GSO send where the transport offloads. */
    private SegmentedDatagramPacketAllocator segments() {
        return UdpSockets.segments(transport.segmentOffload());
    }

    /** Registers the handshake's engine with the trust manager, remembering what to expect. */
    private QuicSslEngine engine(QuicChannel ch, QuicSslEngine engine) {
        PeerTrustManager trust = transport.tls().trustManager();
        PeerTrustManager.Verification verification = trust.expect(engine, ch.attr(EXPECTED).get());
        ch.attr(VERIFICATION).set(verification);
        AtomicReference<PeerTrustManager.Verification> dialer = ch.attr(DIAL_VERIFICATION).get();
        if (dialer != null) {
            dialer.set(verification);
        }
        ch.closeFuture().addListener(f -> trust.forget(engine));
        return engine;
    }

    /** ACKs were just processed: FINs that waited for congestion-window room go out first. */
    private void afterPackets() {
        for (QuicConnection c : connections) {
            c.retryFins();
        }
    }

    void attach(QuicListener l) {
        listener = l;
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) udp.localAddress();
    }

    boolean isOpen() {
        return udp.isOpen();
    }

    /**
     * Sends {@code size} random bytes to {@code target} from this socket, past the QUIC codecs
     * (the router is the pipeline's first handler, so its context writes to the socket). The
     * first byte looks like a short-header packet's, which a QUIC server drops without answering
     * when it knows no connection for it (a long header of an unknown version would draw a
     * version negotiation packet).
     */
    void punch(InetSocketAddress target, int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        bytes[0] = (byte) (0x40 | (bytes[0] & 0x3f));
        ChannelHandlerContext first = udp.pipeline().context(router);
        first.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), target));
    }

    /** Opens a connection to {@code target} from this socket. */
    QuicConnection dial(InetSocketAddress target, PeerId expected, Duration timeout) throws IOException {
        byte[] scid = new byte[PacketRouter.ID_LENGTH];
        RANDOM.nextBytes(scid);
        router.addDialed(scid);
        CompletableFuture<QuicConnection> ready = new CompletableFuture<>();
        AtomicReference<PeerTrustManager.Verification> verification = new AtomicReference<>();
        io.netty.util.concurrent.Future<QuicChannel> connecting = QuicChannel.newBootstrap(udp)
                .handler(new ConnectionInit(true)).streamHandler(new StreamInit())
                .remoteAddress(target).localConnectionAddress(new QuicConnectionAddress(scid))
                .attr(EXPECTED, expected).attr(READY, ready).attr(DIAL_VERIFICATION, verification)
                .option(ChannelOption.ALLOCATOR, transport.allocator())
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segments())
                .streamOption(ChannelOption.ALLOCATOR, transport.allocator()).connect();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                // quiche reports a refused certificate as a bare CERTIFICATE_VERIFY_FAILED: say why
                PeerTrustManager.Verification v = verification.get();
                ready.completeExceptionally(v != null && v.wrongPeer()
                        ? new PeerIdMismatchException("QUIC handshake with " + target + " failed: " + v.failure(), f.cause())
                        : f.cause());
            }
        });
        Duration limit = timeout.compareTo(config.handshakeTimeout()) < 0 ? timeout : config.handshakeTimeout();
        try {
            QuicConnection c = ready.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            c.onClose(() -> router.removeDialed(scid));
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            router.removeDialed(scid);
            connecting.cancel(false);
            throw new java.io.InterruptedIOException("interrupted while dialing " + target);
        } catch (TimeoutException e) {
            router.removeDialed(scid);
            connecting.cancel(false);
            closeLater(connecting);
            throw new IOException("QUIC handshake with " + target + " timed out after " + limit);
        } catch (ExecutionException e) {
            router.removeDialed(scid);
            closeLater(connecting);
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new HandshakeException("QUIC handshake with " + target + " failed: " + cause, cause);
        }
    }

    /**
     * The handshake's failure, with the certificate check's reason when there is one; another
     * peer's certificate than the one dialed is a {@link PeerIdMismatchException}, as over TCP, so
     * callers can tell a wrong address book entry from a broken connection.
     */
    private static HandshakeException handshakeFailure(String what, PeerTrustManager.Verification v) {
        if (v == null || v.failure() == null) {
            return new HandshakeException(what);
        }
        String message = what + ": " + v.failure();
        return v.wrongPeer() ? new PeerIdMismatchException(message) : new HandshakeException(message);
    }

    private static void closeLater(io.netty.util.concurrent.Future<QuicChannel> connecting) {
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                ((QuicChannel) f.getNow()).close();
            }
        });
    }

    void listenerClosed() {
        listener = null;
        closeIfUnused();
    }

    private void closeIfUnused() {
        if (!keepWithoutListener && listener == null && connections.isEmpty()) {
            close();
        }
    }

    /** Closes the socket and with it every connection on it. */
    void close() {
        Channel ch = udp;
        if (ch != null && ch.isOpen()) {
            ch.close();
        }
        transport.endpointClosed(this);
    }

    /** Waits for the socket to close (for an orderly transport shutdown). */
    void awaitClosed(Duration timeout) {
        try {
            NettyFutures.await(udp.closeFuture(), timeout, "closing UDP socket");
        } catch (IOException e) {
            // shutting down the event loop closes it in the end
            LOG.log(System.Logger.Level.DEBUG, () -> "waiting for a UDP socket to close: " + e);
        }
    }

    int dialedCount() {
        return router.dialedCount();
    }

    int connectionCount() {
        return connections.size();
    }

    /** Installed on every QUIC connection of this socket: verifies the peer once the handshake is done. */
    private final class ConnectionInit extends ChannelInitializer<QuicChannel> {
        private final boolean dialed;

        ConnectionInit(boolean dialed) {
            this.dialed = dialed;
        }

        @Override
        protected void initChannel(QuicChannel ch) {
            QuicConnection c = new QuicConnection(ch, config);
            ch.attr(CONNECTION).set(c);
            ch.pipeline().addLast(new Established(c, dialed));
        }
    }

    private final class Established extends ChannelInboundHandlerAdapter {
        private final QuicConnection connection;
        private final boolean dialed;

        Established(QuicConnection connection, boolean dialed) {
            this.connection = connection;
            this.dialed = dialed;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            QuicChannel ch = (QuicChannel) ctx.channel();
            CompletableFuture<QuicConnection> ready = ch.attr(READY).get();
            try {
                PeerTrustManager.Verification v = ch.attr(VERIFICATION).get();
                if (v != null && v.verified() == null && v.failure() == null) {
                    verifyResumed(ch);
                }
                PeerCertificate peer = v == null ? null : v.verified();
                if (peer == null) {
                    throw handshakeFailure("QUIC peer not verified", v);
                }
                if (!"libp2p".equals(ch.sslEngine().getApplicationProtocol())) {
                    throw new HandshakeException("QUIC peer did not agree on ALPN libp2p");
                }
                if (!transport.reserveConnection()) {
                    throw new IOException("QUIC connection limit of " + config.maxConnections() + " reached");
                }
                connections.add(connection);
                connection.onClose(() -> {
                    transport.releaseConnection();
                    connections.remove(connection);
                    closeIfUnused();
                });
                connection.established(transport.localPeer(), peer.peerId(), peer.publicKey());
                if (dialed) {
                    ready.complete(connection);
                } else {
                    QuicListener l = listener;
                    if (l == null || !l.offer(connection)) {
                        ch.close(); // not listening any more, or too many waiting: refuse
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (ready != null) {
                    ready.completeExceptionally(e);
                }
                ch.close();
                return;
            }
            ctx.fireChannelActive();
        }

        /**
         * A resumed TLS session (a client that kept a session ticket from an earlier connection,
         * as js-libp2p's QUIC does) sends no certificate, so the trust manager never ran: the peer
         * is verified from the certificate stored in the session instead. BoringSSL, under Netty,
         * offers no switch to stop issuing tickets, which go-libp2p turns off.
         */
        private void verifyResumed(QuicChannel ch) throws HandshakeException {
            try {
                java.security.cert.Certificate[] stored = ch.sslEngine().getSession().getPeerCertificates();
                java.security.cert.X509Certificate[] chain = new java.security.cert.X509Certificate[stored.length];
                for (int i = 0; i < stored.length; i++) {
                    chain[i] = (java.security.cert.X509Certificate) stored[i];
                }
                transport.tls().trustManager().checkClientTrusted(chain, "UNKNOWN", ch.sslEngine());
            } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateException
                     | ClassCastException e) {
                throw new HandshakeException("QUIC peer of a resumed session not verified: " + e.getMessage(), e);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof QuicStreamLimitChangedEvent) {
                connection.streamCreditChanged();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<QuicConnection> ready = ctx.channel().attr(READY).get();
            if (ready != null) {
                ready.completeExceptionally(cause);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<QuicConnection> ready = ctx.channel().attr(READY).get();
            // Every connection ends here; only one that never became ready needs the exception.
            if (ready != null && !ready.isDone()) {
                ready.completeExceptionally(handshakeFailure("QUIC connection closed during handshake",
                        ctx.channel().attr(VERIFICATION).get()));
            }
            ctx.fireChannelInactive();
        }
    }

    /** Installed on every stream the remote opens. */
    @ChannelHandler.Sharable
    private static final class StreamInit extends ChannelInitializer<QuicStreamChannel> {
        @Override
        protected void initChannel(QuicStreamChannel ch) {
            QuicConnection c = ch.parent().attr(CONNECTION).get();
            if (c == null) {
                ch.close();
                return;
            }
            c.accepted(ch);
        }
    }
}
