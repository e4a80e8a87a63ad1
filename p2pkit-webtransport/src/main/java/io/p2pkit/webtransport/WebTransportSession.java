package io.p2pkit.webtransport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.noise.NoiseConnection;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One QUIC connection of the WebTransport listener: the HTTP/3 control streams, the extended
 * CONNECT that opens the WebTransport session, the Noise handshake on the session's first stream,
 * and then the session's bidirectional streams as libp2p streams. One session per connection.
 */
final class WebTransportSession implements ReadyConnection {
    private static final System.Logger LOG = LazyLogger.of(WebTransportSession.class);

    /** The path go-libp2p and js-libp2p request (libp2p specs, webtransport). */
    static final String PATH = "/.well-known/libp2p-webtransport?type=noise";
    /** A WebTransport bidirectional stream starts with this signal value, then the session ID. */
    static final long WT_STREAM = 0x41;
    static final long CONTROL_STREAM = 0x00;
    /** Streams the remote may have waiting to be accepted; more are reset. */
    static final int MAX_PENDING_STREAMS = 256;
    /** The most bytes a request stream or a stream header may take before it is understood. */
    static final int MAX_PREAMBLE = Http3Frame.MAX_PAYLOAD + 16;
    private static final int H3_NO_ERROR = 0x100;
    private static final int H3_STREAM_CREATION_ERROR = 0x103;
    private static final int H3_REQUEST_REJECTED = 0x10b;
    private static final Object END = new Object();

    /** The settings this side sends: extended CONNECT, HTTP datagrams and every WebTransport draft's switch. */
    static final Map<Long, Long> SETTINGS = settings();

    /** What a session needs from the listener or dialer it belongs to. */
    interface Owner {
        /** A Noise transport for this side's handshake (with the certificate hashes when listening). */
        NoiseTransport noise();

        /** How long after QUIC's handshake the session must be authenticated. */
        Duration handshakeTimeout();

        /** How long opening a stream may wait for the remote to allow one more. */
        Duration streamOpenTimeout();

        /** Hands an authenticated inbound session over; false refuses it. */
        boolean offer(WebTransportSession session);

        void sessionClosed(WebTransportSession session);
    }

    private final QuicChannel channel;
    private final Owner listener;
    private final boolean client;
    private final ArrayBlockingQueue<Object> inbound = new ArrayBlockingQueue<>(MAX_PENDING_STREAMS + 1);
    private final AtomicBoolean handshakeStarted = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long sessionId = -1;
    private volatile Map<Long, Long> remoteSettings;
    private volatile NoiseConnection secured;
    private volatile Multiaddr localAddress;
    private volatile Multiaddr remoteAddress;
    /** Where streams charge the bytes they hold until the application reads them; null until {@link #chargeTo}. */
    private volatile MemoryScope memory;
    /** Streams made before {@link #chargeTo}: they read nothing more until then (event loop only). */
    private final List<WebTransportStream> uncharged = new ArrayList<>();
    // Openers waiting for the remote's stream credit (MAX_STREAMS) wait here; the generation
    // counts credit changes, so a change between a check and the wait is not missed.
    private static final Duration CREDIT_RECHECK = Duration.ofMillis(100);
    private final ReentrantLock creditLock = new ReentrantLock();
    private final Condition creditChanged = creditLock.newCondition();
    private long creditGeneration;

    WebTransportSession(QuicChannel channel, Owner owner, boolean client) {
        this.channel = channel;
        this.listener = owner;
        this.client = client;
        channel.closeFuture().addListener(f -> {
            uncharged.clear(); // on the event loop, as the close future's listeners run
            closed();
        });
    }

    private static Map<Long, Long> settings() {
        Map<Long, Long> s = new LinkedHashMap<>();
        s.put(0x01L, 0L);          // QPACK_MAX_TABLE_CAPACITY: no dynamic table
        s.put(0x07L, 0L);          // QPACK_BLOCKED_STREAMS
        s.put(0x08L, 1L);          // ENABLE_CONNECT_PROTOCOL (RFC 9220)
        s.put(0x33L, 1L);          // H3_DATAGRAM (RFC 9297)
        s.put(0xffd277L, 1L);      // H3_DATAGRAM, draft-04 (older Chromium)
        s.put(0x2b603742L, 1L);    // ENABLE_WEBTRANSPORT, draft-02 (webtransport-go up to v0.10)
        s.put(0xc671706aL, 1L);    // WEBTRANSPORT_MAX_SESSIONS, drafts 07 to 12 (Chromium)
        s.put(0x2c7cf000L, 1L);    // WT_ENABLED, draft-15
        s.put(0x14e9cd29L, 1L);    // WT_MAX_SESSIONS, draft-15
        return java.util.Collections.unmodifiableMap(s);
    }

    /** The QUIC handshake finished (event loop): sends our control stream with SETTINGS. */
    void start() {
        InetSocketAddress local = (InetSocketAddress) channel.localSocketAddress();
        InetSocketAddress remote = (InetSocketAddress) channel.remoteSocketAddress();
        localAddress = WebTransportAddresses.multiaddr(local);
        remoteAddress = WebTransportAddresses.multiaddr(remote);
        channel.createStream(QuicStreamType.UNIDIRECTIONAL, new ChannelInboundHandlerAdapter()).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                return;
            }
            QuicStreamChannel control = (QuicStreamChannel) f.getNow();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Varint.write(out, CONTROL_STREAM);
            out.writeBytes(Http3Frame.encodeSettings(SETTINGS));
            control.writeAndFlush(Unpooled.wrappedBuffer(out.toByteArray()));
        });
        channel.eventLoop().schedule(() -> {
            if (secured == null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "WebTransport session not set up in time: closing " + channel);
                channel.close();
            }
        }, listener.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A stream the remote opened (event loop): its first bytes say what it is. */
    void streamOpened(QuicStreamChannel ch) {
        if (ch.type() == QuicStreamType.BIDIRECTIONAL) {
            ch.config().setAllowHalfClosure(true);
        }
        ch.pipeline().addLast(new Preamble(ch));
    }

    /** The settings the remote sent, or null before its control stream's SETTINGS arrived. */
    Map<Long, Long> remoteSettings() {
        return remoteSettings;
    }

    // ------------------------------------------------------------------ stream preambles

    /** Reads the start of a stream the remote opened, until it knows what the stream is. */
    private final class Preamble extends ChannelInboundHandlerAdapter {
        private final QuicStreamChannel ch;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private Http3Frame.Reader frames;
        private boolean discard;
        private boolean request;

        Preamble(QuicStreamChannel ch) {
            this.ch = ch;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes;
            try {
                bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
            } finally {
                buf.release();
            }
            if (discard) {
                return;
            }
            try {
                if (frames != null) {
                    frames(bytes);
                    return;
                }
                head.writeBytes(bytes);
                if (head.size() > MAX_PREAMBLE) {
                    throw new DecodeException("stream", "preamble over " + MAX_PREAMBLE + " bytes");
                }
                ByteBuffer in = ByteBuffer.wrap(head.toByteArray());
                long type = Varint.read(in);
                if (type == Varint.INCOMPLETE) {
                    return;
                }
                if (ch.type() == QuicStreamType.UNIDIRECTIONAL) {
                    unidirectional(type, in);
                } else if (type == WT_STREAM) {
                    long session = Varint.read(in);
                    if (session != Varint.INCOMPLETE) {
                        webTransportStream(ctx, session, in);
                    }
                } else {
                    request = true;
                    frames = new Http3Frame.Reader();
                    head.reset();
                    frames(bytes(in.rewind()));
                }
            } catch (DecodeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "malformed HTTP/3 on " + ch + ": " + e.getMessage());
                channel.close(); // an HTTP/3 error is a connection error; the node is not affected
            }
        }

        private void unidirectional(long type, ByteBuffer rest) {
            if (type == CONTROL_STREAM) {
                frames = new Http3Frame.Reader();
                frames(bytes(rest));
            } else {
                // QPACK encoder/decoder streams carry nothing for a table of capacity 0; others are refused
                discard = true;
                if (type != 0x02 && type != 0x03) {
                    ch.shutdownInput(H3_STREAM_CREATION_ERROR);
                }
            }
        }

        private void frames(byte[] bytes) {
            Http3Frame f = frames.feed(bytes);
            while (f != null) {
                if (request) {
                    onRequestFrame(f);
                } else if (f.type() == Http3Frame.SETTINGS) {
                    if (remoteSettings != null) {
                        throw new DecodeException("settings", "a second SETTINGS frame");
                    }
                    remoteSettings = Http3Frame.decodeSettings(f.payload());
                }
                f = frames.feed(new byte[0]);
            }
        }

        private void onRequestFrame(Http3Frame f) {
            if (f.type() != Http3Frame.HEADERS || sessionId >= 0 && sessionId != ch.streamId()) {
                return; // capsules on the CONNECT stream, trailers: nothing this listener acts on
            }
            if (sessionId == ch.streamId()) {
                return;
            }
            List<Qpack.Field> fields = Qpack.decode(f.payload());
            String method = value(fields, ":method");
            String protocol = value(fields, ":protocol");
            String path = value(fields, ":path");
            boolean ok = "CONNECT".equals(method) && ("webtransport".equals(protocol) || "webtransport-h3".equals(protocol))
                    && PATH.equals(path) && sessionId < 0;
            List<Qpack.Field> response = ok
                    ? List.of(new Qpack.Field(":status", "200"), new Qpack.Field("sec-webtransport-http3-draft", "draft02"))
                    : List.of(new Qpack.Field(":status", "404"));
            ch.writeAndFlush(Unpooled.wrappedBuffer(Http3Frame.encode(Http3Frame.HEADERS, Qpack.encode(response))));
            if (ok) {
                sessionId = ch.streamId();
            } else {
                ch.shutdownOutput();
            }
        }

        private void webTransportStream(ChannelHandlerContext ctx, long session, ByteBuffer rest) {
            if (session != sessionId || sessionId < 0) {
                discard = true;
                ch.shutdown(H3_REQUEST_REJECTED).addListener(x -> ch.close());
                return;
            }
            // the listener's first stream is Noise's, read before the session has a span (its
            // messages are capped); later ones wait for the span (chargeTo)
            WebTransportStream s = attach(ch, !client && !handshakeStarted.get());
            ctx.pipeline().replace(this, "webtransport-stream", s);
            s.received(bytes(rest));
            if (ch.isInputShutdown()) {
                s.finished();
            }
            accepted(s);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && request && ch.streamId() == sessionId) {
                channel.close(); // the session's CONNECT stream ended: the session is over
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (request && ch.streamId() == sessionId) {
                channel.close();
            }
            ctx.close();
        }
    }

    private static String value(List<Qpack.Field> fields, String name) {
        for (Qpack.Field f : fields) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        return null;
    }

    private static byte[] bytes(ByteBuffer rest) {
        byte[] b = new byte[rest.remaining()];
        rest.get(b);
        return b;
    }

    // ------------------------------------------------------------------ dialing

    /**
     * As the dialer, once QUIC's handshake is done (any thread but the event loop): the extended
     * CONNECT, then Noise as initiator on the first stream, checking that the listener's
     * certificate hashes include every one dialed.
     */
    void establish(String authority, List<byte[]> dialedHashes, PeerId expected, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<List<Qpack.Field>> response = new CompletableFuture<>();
        CompletableFuture<QuicStreamChannel> opened = new CompletableFuture<>();
        channel.eventLoop().execute(() -> channel.createStream(QuicStreamType.BIDIRECTIONAL, new Response(response))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        opened.complete((QuicStreamChannel) f.getNow());
                    } else {
                        opened.completeExceptionally(f.cause());
                    }
                }));
        QuicStreamChannel request = await(opened, deadline, "opening the CONNECT stream");
        List<Qpack.Field> connect = List.of(new Qpack.Field(":method", "CONNECT"),
                new Qpack.Field(":protocol", "webtransport"), new Qpack.Field(":scheme", "https"),
                new Qpack.Field(":authority", authority), new Qpack.Field(":path", PATH),
                new Qpack.Field("sec-webtransport-http3-draft02", "1"));
        request.writeAndFlush(Unpooled.wrappedBuffer(Http3Frame.encode(Http3Frame.HEADERS, Qpack.encode(connect))));
        String status = value(await(response, deadline, "the CONNECT response"), ":status");
        if (!"200".equals(status)) {
            throw new IOException("WebTransport CONNECT refused with status " + status);
        }
        sessionId = request.streamId();
        WebTransportStream first = newStream(true);
        NoiseConnection c;
        try {
            c = listener.noise().secureOutbound(first, expected);
        } catch (IOException e) {
            first.reset();
            throw e;
        }
        List<byte[]> theirs = c.remoteExtensions() == null ? List.of() : c.remoteExtensions().webtransportCerthashes();
        for (byte[] h : dialedHashes) {
            if (theirs.stream().noneMatch(t -> java.util.Arrays.equals(t, h))) {
                first.reset();
                throw new io.p2pkit.core.security.HandshakeException(
                        "the WebTransport listener did not send a certificate hash dialed");
            }
        }
        // FIN only, as webtransport-go's Close: a STOP_SENDING now could reach the listener
        // before it has closed its side, and fail that close
        first.closeWrite();
        secured = c;
    }

    private static <T> T await(CompletableFuture<T> f, long deadline, String what) throws IOException {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + what);
        } catch (TimeoutException e) {
            throw new IOException("WebTransport: timed out waiting for " + what);
        } catch (ExecutionException e) {
            throw new IOException("WebTransport: " + what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Reads the response to this side's CONNECT; the stream ending later ends the session. */
    private final class Response extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<List<Qpack.Field>> response;
        private final Http3Frame.Reader frames = new Http3Frame.Reader();

        Response(CompletableFuture<List<Qpack.Field>> response) {
            this.response = response;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ((QuicStreamChannel) ctx.channel()).config().setAllowHalfClosure(true);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            if (response.isDone()) {
                return; // capsules: nothing this side acts on
            }
            try {
                Http3Frame f = frames.feed(bytes);
                while (f != null && !response.isDone()) {
                    if (f.type() == Http3Frame.HEADERS) {
                        response.complete(Qpack.decode(f.payload()));
                    }
                    f = frames.feed(new byte[0]);
                }
            } catch (DecodeException e) {
                response.completeExceptionally(e);
                channel.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                response.completeExceptionally(new IOException("the CONNECT stream ended"));
                channel.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            response.completeExceptionally(new IOException("the CONNECT stream closed"));
            ctx.fireChannelInactive();
        }
    }

    // ------------------------------------------------------------------ the session

    /** A WebTransport stream of this session (event loop): the first is Noise's, the rest the application's. */
    private void accepted(WebTransportStream s) {
        if (!client && handshakeStarted.compareAndSet(false, true)) {
            Thread.ofVirtual().name("webtransport-noise").start(() -> handshake(s));
            return;
        }
        // streams opened right after the remote's last handshake message wait for ours to finish
        if (closed.get() || inbound.remainingCapacity() <= 1 || !inbound.offer(s)) {
            s.reset();
        }
    }

    private void handshake(WebTransportStream first) {
        try {
            NoiseConnection c = listener.noise().secureInbound(first);
            secured = c;
            // FIN only, as webtransport-go's Close: a STOP_SENDING could reach a browser before it
            // closed its side of the handshake stream, and Chromium then fails the whole connect
            // ("Received STOP_SENDING"); the remote's FIN ends the stream
            first.closeWrite();
            channel.eventLoop().execute(() -> {
                if (!listener.offer(this)) {
                    channel.close();
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "WebTransport Noise handshake failed on " + channel + ": " + e);
            channel.close();
        }
    }

    private NoiseConnection secured() {
        NoiseConnection c = secured;
        if (c == null) {
            throw new IllegalStateException("WebTransport session not authenticated yet");
        }
        return c;
    }

    @Override
    public PeerId localPeer() {
        return secured().localPeer();
    }

    @Override
    public PeerId remotePeer() {
        return secured().remotePeer();
    }

    @Override
    public PublicKey remotePublicKey() {
        return secured().remotePublicKey();
    }

    /** Noise, on the session's first stream. */
    @Override
    public String securityProtocol() {
        return "/noise";
    }

    /** WebTransport's own streams. */
    @Override
    public String muxerProtocol() {
        return "/webtransport";
    }

    @Override
    public boolean earlyMuxerNegotiation() {
        return true;
    }

    /**
     * Charges the unread bytes of the session's streams to {@code memory} (the connection's span).
     * A stream made before this (other than Noise's) reads nothing until now: its bytes wait in
     * QUIC's flow-control window, not in memory nobody is charged for (as the QUIC transport's).
     */
    @Override
    public void chargeTo(MemoryScope memory) {
        this.memory = java.util.Objects.requireNonNull(memory, "memory");
        try {
            channel.eventLoop().execute(() -> {
                for (WebTransportStream s : uncharged) {
                    s.chargeTo(memory);
                }
                uncharged.clear();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the event loop is gone, and with it the session and its streams
            LOG.log(System.Logger.Level.DEBUG, () -> "charging a closed WebTransport session: " + e);
        }
    }

    /** A stream of a new stream channel (event loop); Noise's ({@code handshake}) is never held back. */
    private WebTransportStream attach(QuicStreamChannel ch, boolean handshake) {
        MemoryScope m = handshake ? MemoryScope.UNLIMITED : memory;
        WebTransportStream s = new WebTransportStream(ch, m);
        if (m == null) {
            uncharged.add(s); // chargeTo's task, queued behind this one, lets it read
        }
        return s;
    }

    @Override
    public MuxedStream openStream() throws IOException {
        if (secured == null) {
            throw new IOException("WebTransport session is not authenticated");
        }
        return newStream(false);
    }

    /**
     * Opens a WebTransport stream. When the remote's stream credit is used up, waits until it
     * grants more (QUIC MAX_STREAMS, as its streams close), for up to the owner's
     * {@link Owner#streamOpenTimeout()}. Chromium's credit ran out under 100 concurrent streams.
     */
    private WebTransportStream newStream(boolean handshake) throws IOException {
        Duration timeout = listener.streamOpenTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (closed.get() || sessionId < 0) {
                throw new IOException("WebTransport session is not open");
            }
            long generation = creditGeneration();
            WebTransportStream s = createIfAllowed(sessionId, timeout, handshake);
            if (s != null) {
                return s;
            }
            awaitCredit(generation, deadline, timeout);
        }
    }

    /**
     * Creates a stream on the event loop if the remote's credit allows one, else returns null.
     * Asking quiche for a stream without credit fails with STREAM_LIMIT and still spends the
     * stream ID, which later streams then count against the credit too.
     */
    private WebTransportStream createIfAllowed(long session, Duration timeout, boolean handshake) throws IOException {
        CompletableFuture<WebTransportStream> made = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) <= 0) {
                made.complete(null);
                return;
            }
            channel.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel ch) {
                            ch.config().setAllowHalfClosure(true);
                            ch.pipeline().addLast(attach(ch, handshake));
                        }
                    }).addListener(f -> {
                        if (!f.isSuccess()) {
                            made.completeExceptionally(f.cause());
                            return;
                        }
                        QuicStreamChannel ch = (QuicStreamChannel) f.getNow();
                        ByteArrayOutputStream header = new ByteArrayOutputStream(16);
                        Varint.write(header, WT_STREAM);
                        Varint.write(header, session);
                        ch.writeAndFlush(Unpooled.wrappedBuffer(header.toByteArray()));
                        made.complete(ch.pipeline().get(WebTransportStream.class));
                    });
        });
        try {
            return made.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening a WebTransport stream");
        } catch (TimeoutException e) {
            throw new IOException("opening a WebTransport stream timed out");
        } catch (ExecutionException e) {
            throw new IOException("cannot open a WebTransport stream: " + e.getCause(), e.getCause());
        }
    }

    /** Called on the event loop when the remote's stream credit changed (QUIC MAX_STREAMS). */
    void streamCreditChanged() {
        creditLock.lock();
        try {
            creditGeneration++;
            creditChanged.signalAll();
        } finally {
            creditLock.unlock();
        }
    }

    private long creditGeneration() {
        creditLock.lock();
        try {
            return creditGeneration;
        } finally {
            creditLock.unlock();
        }
    }

    private void awaitCredit(long generation, long deadline, Duration timeout) throws IOException {
        creditLock.lock();
        try {
            // Netty's stream-limit event is the signal; the caller also asks quiche again every
            // CREDIT_RECHECK, as a full run once saw an opener wait out its deadline with credit back
            long recheck = System.nanoTime() + CREDIT_RECHECK.toNanos();
            while (creditGeneration == generation && !closed.get()) {
                long now = System.nanoTime();
                if (deadline - now <= 0) {
                    throw new IOException("the remote allowed no new WebTransport stream within " + timeout);
                }
                if (recheck - now <= 0) {
                    return;
                }
                creditChanged.awaitNanos(Math.min(deadline - now, recheck - now));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the remote's stream credit");
        } finally {
            creditLock.unlock();
        }
    }

    @Override
    public MuxedStream acceptStream() throws IOException {
        try {
            Object next = inbound.take();
            if (next == END) {
                inbound.offer(END);
                return null;
            }
            return (MuxedStream) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting a WebTransport stream");
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    private void closed() {
        if (closed.compareAndSet(false, true)) {
            Object s;
            while ((s = inbound.poll()) != null) {
                if (s instanceof WebTransportStream w) {
                    w.reset();
                }
            }
            inbound.offer(END);
            streamCreditChanged(); // waiting openers see the session closed
            listener.sessionClosed(this);
        }
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.close(true, H3_NO_ERROR, Unpooled.EMPTY_BUFFER);
        }
        closed();
    }

    @Override
    public Multiaddr localAddress() {
        return localAddress;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "WebTransportSession[" + remoteAddress + (secured != null ? ", " + secured.remotePeer() : "") + "]";
    }
}
