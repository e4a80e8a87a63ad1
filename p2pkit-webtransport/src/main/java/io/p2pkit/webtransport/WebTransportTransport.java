package io.p2pkit.webtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.security.noise.NoiseExtensions;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.quic.QuicConfig;
import io.p2pkit.quic.internal.BufferPool;
import io.p2pkit.quic.internal.UdpSockets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The WebTransport transport ({@code /ip4|ip6/…/udp/…/quic-v1/webtransport/certhash/…}) as the
 * libp2p WebTransport spec describes it: HTTP/3 over QUIC (Netty's native quiche
 * codec, ALPN {@code h3}, with this module's own small HTTP/3 layer), an extended CONNECT to
 * {@code /.well-known/libp2p-webtransport?type=noise}, a Noise XX handshake on the session's first
 * stream in which this side sends its certificate hashes, and then WebTransport's bidirectional
 * streams as libp2p streams. Certificates are self-signed ECDSA P-256, valid 14 days, rotated
 * weekly; the listener's address carries the hashes of the current and the next one.
 *
 * <p>It dials too, from one shared UDP socket per address family: the listener's certificate must
 * match one of the address's certhashes (no authority), and its Noise payload must carry them all.
 *
 * <p>Add it to a host as QUIC is added: {@code HostBuilder.transport(WebTransportTransport::new)}.
 */
public final class WebTransportTransport implements Transport {
    private static final AttributeKey<WebTransportSession> SESSION = AttributeKey.valueOf("p2pkit.webtransport.session");
    private static final AttributeKey<List<byte[]>> HASHES = AttributeKey.valueOf("p2pkit.webtransport.certhashes");

    private final PrivateKey identity;
    private final QuicConfig config;
    private final WebTransportCertificates certificates;
    private final QuicSslContext tls;
    private final EventLoopGroup eventLoop;
    /** Whether the sockets are epoll ones that send with UDP GSO and whose IPv6 sockets are IPv6-only, as QUIC's. */
    private final boolean segmentOffload;
    /** Every buffer of this transport's sockets, sessions and streams comes from this pool, as QUIC's. */
    private final PooledByteBufAllocator allocator = BufferPool.create();
    private final List<WebTransportListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CerthashTrustManager trust;
    private final QuicSslContext clientTls;
    private final ReentrantLock dialLock = new ReentrantLock();
    private final SecureRandom random = new SecureRandom();
    private final WebTransportSession.Owner dialer = new Dialer();
    private volatile Channel dialV4;
    private volatile Channel dialV6;

    /** A transport with {@link QuicConfig#defaults()}. */
    public WebTransportTransport(PrivateKey identity) {
        this(identity, QuicConfig.defaults());
    }

    /**
     * @param identity the host's identity key (signs the Noise handshake)
     * @param config   QUIC's limits, windows and timers, as for the QUIC transport
     * @throws IllegalStateException when the native QUIC library cannot load on this platform
     */
    public WebTransportTransport(PrivateKey identity, QuicConfig config) {
        this(identity, config, Clock.systemUTC());
    }

    WebTransportTransport(PrivateKey identity, QuicConfig config, Clock clock) {
        Quic.ensureAvailability();
        this.identity = identity;
        this.config = config;
        this.certificates = new WebTransportCertificates(identity, clock);
        this.trust = new CerthashTrustManager(clock);
        // The server asks no client for a certificate, so it never consults a trust manager; naming
        // one keeps Netty from loading the JDK's default trust store (cacerts) at every start.
        this.tls = QuicSslContextBuilder.forServer(certificates, null).trustManager(trust).applicationProtocols("h3")
                .earlyData(false).build();
        this.clientTls = QuicSslContextBuilder.forClient().trustManager(trust).applicationProtocols("h3")
                .earlyData(false).build();
        this.segmentOffload = UdpSockets.segmentOffload(config);
        this.eventLoop = new MultiThreadIoEventLoopGroup(1, UdpSockets.ioHandlers(segmentOffload));
    }

    /** An address with at least one {@code /certhash} (the listener's self-signed certificate is checked against them). */
    @Override
    public boolean canDial(Multiaddr address) {
        return dialable(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return listenable(address);
    }

    /**
     * What {@link #canDial} answers, without a transport: {@code /ip4|ip6/…/udp/…/quic-v1/webtransport}
     * with at least one {@code /certhash} (and an optional {@code /p2p/…}).
     */
    public static boolean dialable(Multiaddr address) {
        Multiaddr a = address.withoutPeerId();
        return WebTransportAddresses.isWebTransport(a) && a.hasProtocol(Protocol.CERTHASH);
    }

    /** What {@link #canListen} answers, without a transport: {@code /ip4|ip6/…/udp/…/quic-v1/webtransport}. */
    public static boolean listenable(Multiaddr address) {
        return WebTransportAddresses.isWebTransport(address);
    }

    @Override
    public ReadyConnection dial(Multiaddr address, Duration timeout) throws IOException {
        return dial(address, null, timeout);
    }

    /** No: WebTransport is secured by QUIC's TLS and Noise; no private network key can wrap it. */
    @Override
    public boolean supportsPrivateNetwork() {
        return false;
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        if (closed.get()) {
            throw new IOException("WebTransport transport is closed");
        }
        InetSocketAddress at = WebTransportAddresses.socketAddress(address);
        WebTransportListener l = new WebTransportListener(this, config.maxPendingInbound());
        ChannelHandler codec = codec(new QuicServerCodecBuilder())
                .sslContext(tls)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, UdpSockets.segments(segmentOffload))
                .streamOption(ChannelOption.ALLOCATOR, allocator)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        if (l.sessionCount() >= config.maxConnections()) {
                            ch.close(); // QuicConfig.maxConnections() per listener
                            return;
                        }
                        WebTransportSession s = new WebTransportSession(ch, l, false);
                        ch.attr(SESSION).set(s);
                        l.sessionStarted(s);
                        ch.pipeline().addLast(new Connection(s));
                    }
                })
                .streamHandler(new StreamInit())
                .build();
        Channel udp = bind(at, codec);
        l.bound(udp);
        listeners.add(l);
        return l;
    }

    /** The QUIC settings both sides use: QUIC's (windows, packet sizes), and what HTTP/3 needs. */
    private <B extends QuicCodecBuilder<B>> B codec(B builder) {
        return UdpSockets.settings(builder, config)
                .initialMaxStreamDataUnidirectional(64 * 1024)
                // the remote's control and QPACK streams, and room for a few it might add
                .initialMaxStreamsUnidirectional(8)
                // WebTransport requires QUIC datagrams; this side neither sends nor reads them
                .datagram(16, 16);
    }

    /** A UDP socket as QUIC's: with GSO and IPv6-only IPv6 sockets on epoll. */
    private Channel bind(InetSocketAddress at, ChannelHandler codec) throws IOException {
        Bootstrap b = UdpSockets.bootstrap(eventLoop, at, config, allocator, segmentOffload).handler(codec);
        return await(b.bind(at), "binding UDP " + at).channel();
    }

    // ------------------------------------------------------------------ dialing

    /**
     * Dials {@code /ip4|ip6/…/udp/…/quic-v1/webtransport/certhash/…[/p2p/…]}: QUIC with ALPN
     * {@code h3}, the listener's certificate checked against the certhashes, the extended CONNECT,
     * and Noise as initiator (the remote's peer ID checked when known).
     */
    @Override
    public ReadyConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        if (closed.get()) {
            throw new IOException("WebTransport transport is closed");
        }
        Multiaddr bare = address.withoutPeerId();
        if (!canDial(address)) {
            throw new IOException("cannot dial " + address + " over WebTransport (it needs a /certhash)");
        }
        PeerId expected = expectedRemote != null ? expectedRemote : address.peerId().orElse(null);
        List<byte[]> hashes = bare.components().stream().filter(c -> c.protocol() == Protocol.CERTHASH)
                .map(c -> c.value()).toList();
        InetSocketAddress target = WebTransportAddresses.socketAddress(bare);
        Duration limit = timeout.compareTo(config.handshakeTimeout()) < 0 ? timeout : config.handshakeTimeout();
        Channel udp = dialSocket(target);
        CompletableFuture<QuicChannel> connected = new CompletableFuture<>();
        io.netty.util.concurrent.Future<QuicChannel> connecting = QuicChannel.newBootstrap(udp)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        WebTransportSession s = new WebTransportSession(ch, dialer, true);
                        ch.attr(SESSION).set(s);
                        ch.pipeline().addLast(new Connection(s));
                    }
                })
                .streamHandler(new StreamInit()).remoteAddress(target).attr(HASHES, hashes)
                .option(ChannelOption.ALLOCATOR, allocator).streamOption(ChannelOption.ALLOCATOR, allocator)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, UdpSockets.segments(segmentOffload))
                .connect();
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                connected.complete((QuicChannel) f.getNow());
            } else {
                connected.completeExceptionally(f.cause());
            }
        });
        QuicChannel quic;
        try {
            quic = connected.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connecting.cancel(false);
            throw new java.io.InterruptedIOException("interrupted while dialing " + address);
        } catch (TimeoutException e) {
            connecting.cancel(false);
            throw new IOException("WebTransport handshake with " + target + " timed out after " + limit);
        } catch (ExecutionException e) {
            throw new IOException("WebTransport QUIC handshake with " + target + " failed: " + e.getCause(), e.getCause());
        }
        WebTransportSession s = quic.attr(SESSION).get();
        try {
            s.establish(target.getHostString() + ":" + target.getPort(), hashes, expected, limit);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The shared socket dials leave from, one per address family, made on first use. */
    private Channel dialSocket(InetSocketAddress target) throws IOException {
        boolean v4 = target.getAddress() instanceof java.net.Inet4Address;
        dialLock.lock();
        try {
            Channel c = v4 ? dialV4 : dialV6;
            if (c == null || !c.isOpen()) {
                ChannelHandler codec = codec(new QuicClientCodecBuilder()).sslEngineProvider(this::clientEngine).build();
                c = bind(new InetSocketAddress(v4 ? "0.0.0.0" : "::", 0), codec);
                if (v4) {
                    dialV4 = c;
                } else {
                    dialV6 = c;
                }
            }
            return c;
        } finally {
            dialLock.unlock();
        }
    }

    private QuicSslEngine clientEngine(QuicChannel ch) {
        QuicSslEngine engine = clientTls.newEngine(ch.alloc());
        List<byte[]> hashes = ch.attr(HASHES).get();
        trust.expect(engine, hashes == null ? List.of() : hashes);
        ch.closeFuture().addListener(f -> trust.forget(engine));
        return engine;
    }

    private static ChannelFuture await(ChannelFuture f, String what) throws IOException {
        CompletableFuture<ChannelFuture> done = new CompletableFuture<>();
        f.addListener(x -> done.complete(f));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + what);
        } catch (TimeoutException | ExecutionException e) {
            throw new IOException(what + " timed out");
        }
        if (!f.isSuccess()) {
            throw new IOException(what + " failed: " + f.cause(), f.cause());
        }
        return f;
    }

    // ------------------------------------------------------------------ for the listeners

    PrivateKey identity() {
        return identity;
    }

    QuicConfig config() {
        return config;
    }

    WebTransportCertificates certificates() {
        return certificates;
    }

    void listenerClosed(WebTransportListener l) {
        listeners.remove(l);
    }

    /**
     * Direct (native) memory held by this transport's live buffers now, in bytes (for leak tests):
     * what buffers not yet released occupy in the pool, not the pool's own free chunks and caches.
     */
    public long directMemoryInUse() {
        return allocator.pinnedDirectMemory();
    }

    /** Closes every listener (and with them their connections) and stops the event loop; waits up to 5 s. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (WebTransportListener l : List.copyOf(listeners)) {
            l.close();
        }
        for (Channel c : new Channel[] {dialV4, dialV6}) {
            if (c != null) {
                c.close();
            }
        }
        eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        try {
            eventLoop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "WebTransportTransport[" + listeners.size() + " listeners]";
    }

    /** Starts the session once QUIC's handshake is done; drops datagrams (this side uses none). */
    private static final class Connection extends ChannelInboundHandlerAdapter {
        private final WebTransportSession session;

        Connection(WebTransportSession session) {
            this.session = session;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            session.start();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof QuicStreamChannel) {
                ctx.fireChannelRead(msg); // a stream the remote opened, on its way to be registered
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof QuicStreamLimitChangedEvent) {
                session.streamCreditChanged();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @ChannelHandler.Sharable
    private static final class StreamInit extends ChannelInitializer<QuicStreamChannel> {
        @Override
        protected void initChannel(QuicStreamChannel ch) {
            WebTransportSession s = ch.parent().attr(SESSION).get();
            if (s == null) {
                ch.close();
                return;
            }
            s.streamOpened(ch);
        }
    }

    /** The owner of dialed sessions: Noise without extensions; nothing to hand inbound sessions to. */
    private final class Dialer implements WebTransportSession.Owner {
        @Override
        public NoiseTransport noise() {
            return new NoiseTransport(identity, (NoiseExtensions) null, random);
        }

        @Override
        public Duration handshakeTimeout() {
            return config.handshakeTimeout();
        }

        @Override
        public Duration streamOpenTimeout() {
            return config.streamOpenTimeout();
        }

        @Override
        public boolean offer(WebTransportSession session) {
            return false;
        }

        @Override
        public void sessionClosed(WebTransportSession session) {
            // dialed sessions are not tracked
        }
    }
}
