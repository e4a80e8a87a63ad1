package io.p2pkit.quic;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicTransportError;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One QUIC connection, secured by TLS inside the QUIC handshake and multiplexed by QUIC itself, handed
 * to the network ready for use ({@link ReadyConnection}): the network skips its upgrader. Streams are
 * native bidirectional QUIC streams; the remote may have {@link QuicConfig#maxStreamsPerConnection()}
 * open at once (QUIC's own stream credit enforces it).
 */
final class QuicConnection implements ReadyConnection {
    /** The protocol name reported for QUIC's built-in security and muxing, as go-libp2p reports it. */
    static final String PROTOCOL = "/quic-v1";
    private static final Object END = new Object();
    /** After this long a waiting FIN is written even without send capacity. */
    private static final Duration FIN_WAIT = Duration.ofSeconds(5);

    private static final System.Logger LOG = LazyLogger.of(QuicConnection.class);

    private final QuicChannel channel;
    private final QuicConfig config;
    private final LinkedBlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    private final Set<QuicStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Who is at either end, known once the handshake verified the remote. */
    private record Peers(PeerId local, PeerId remote, PublicKey remoteKey) {
    }

    private volatile Peers peers;
    /**
     * Where streams charge the bytes they hold until the application reads them; null until the
     * network has given the connection its span ({@link #chargeTo}).
     */
    private volatile MemoryScope memory;
    /** Streams made before {@link #chargeTo}: they read nothing until then (event loop only). */
    private final List<QuicStream> uncharged = new ArrayList<>();
    private volatile long lastActivity = System.nanoTime();
    private volatile ScheduledFuture<?> keepAlive;
    private volatile Multiaddr localAddress;
    private final ReentrantLock creditLock = new ReentrantLock();
    private final Condition creditChanged = creditLock.newCondition();
    private volatile long creditGeneration;
    private volatile Multiaddr remoteAddress;
    /** Streams whose FIN waits for send capacity (event loop only; see {@link QuicStream#sendFinIfRoom}). */
    private final ArrayDeque<QuicStream> finsWaiting = new ArrayDeque<>();

    QuicConnection(QuicChannel channel, QuicConfig config) {
        this.channel = channel;
        this.config = config;
        channel.closeFuture().addListener(f -> closed());
    }

    /** Called on the event loop once the handshake verified the remote. */
    void established(PeerId local, PeerId remote, PublicKey remoteKey) {
        localAddress = QuicAddresses.multiaddr((InetSocketAddress) channel.localSocketAddress());
        remoteAddress = QuicAddresses.multiaddr((InetSocketAddress) channel.remoteSocketAddress());
        peers = new Peers(local, remote, remoteKey);
        long every = config.keepAliveInterval().toNanos();
        if (every > 0) {
            keepAlive = channel.eventLoop().scheduleAtFixedRate(this::keepAlive, every, every, TimeUnit.NANOSECONDS);
        }
    }

    private Peers peers() {
        Peers p = peers;
        if (p == null) {
            throw new IllegalStateException("QUIC handshake not finished");
        }
        return p;
    }

    @Override
    public PeerId localPeer() {
        return peers().local();
    }

    @Override
    public PeerId remotePeer() {
        return peers().remote();
    }

    @Override
    public PublicKey remotePublicKey() {
        return peers().remoteKey();
    }

    /** TLS 1.3 inside QUIC's handshake. */
    @Override
    public String securityProtocol() {
        return PROTOCOL;
    }

    /** QUIC's own streams. */
    @Override
    public String muxerProtocol() {
        return PROTOCOL;
    }

    /** Built in: no negotiation at all. */
    @Override
    public boolean earlyMuxerNegotiation() {
        return true;
    }

    /**
     * Charges the bytes streams hold for the application to {@code memory} (the connection's
     * resource span, set by the network once it exists). A stream the remote opened before this
     * reads nothing until now: its bytes wait in QUIC's flow-control window instead of in memory
     * nobody is charged for (a fast remote could otherwise fill a window per stream before the
     * network took the connection).
     */
    @Override
    public void chargeTo(MemoryScope memory) {
        this.memory = java.util.Objects.requireNonNull(memory, "memory");
        try {
            channel.eventLoop().execute(() -> {
                for (QuicStream s : uncharged) {
                    s.chargeTo(memory);
                }
                uncharged.clear();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the event loop is gone, and with it the connection and its streams
            LOG.log(System.Logger.Level.DEBUG, () -> "charging a closed QUIC connection: " + e);
        }
    }

    /** Takes a stream the remote opened (on the event loop). */
    void accepted(QuicStreamChannel ch) {
        QuicStream s = attach(ch);
        if (closed.get() || !inbound.offer(s)) {
            ch.shutdown(0).addListener(f -> ch.close());
        }
    }

    /** Runs {@code action} once the connection has closed (at once if it already has). */
    void onClose(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    /** Makes a stream of a new stream channel (on the event loop, in its initializer). */
    private QuicStream attach(QuicStreamChannel ch) {
        ch.config().setAllowHalfClosure(true);
        MemoryScope m = memory;
        QuicStream s = new QuicStream(ch, this, config.streamReadBuffer(), m);
        if (m == null) {
            uncharged.add(s); // chargeTo's task, queued behind this one, lets it read
        }
        ch.pipeline().addLast(s);
        streams.add(s);
        return s;
    }

    /**
     * Opens a stream. When the remote's stream credit is used up (it allows {@code n} open streams),
     * waits until it grants more, as a closed stream does, for up to
     * {@link QuicConfig#streamOpenTimeout()}.
     */
    @Override
    public MuxedStream openStream() throws IOException {
        Duration timeout = config.streamOpenTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (closed.get()) {
                throw new IOException("QUIC connection is closed");
            }
            long generation = creditGeneration;
            QuicStreamChannel ch;
            try {
                ch = NettyFutures.await(createIfAllowed(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel c) {
                        attach(c);
                    }
                }), timeout, "opening a QUIC stream");
            } catch (IOException e) {
                if (!isStreamLimit(e)) {
                    throw e;
                }
                ch = null;
            }
            if (ch == null) {
                awaitCredit(generation, deadline);
                continue;
            }
            touch();
            QuicStream stream = ch.pipeline().get(QuicStream.class); // added by attach() when the channel was made
            if (stream == null) {
                ch.close();
                throw new IOException("QUIC stream was not initialised");
            }
            return stream;
        }
    }

    /**
     * Creates a stream on the event loop if the remote's stream credit allows one, else completes
     * with {@code null}. Asking Netty for a stream without credit is not harmless: the failed attempt
     * still uses up a stream ID, and a later stream with a higher ID counts the skipped ones against
     * the credit too, so waiting openers would never fit again.
     */
    private io.netty.util.concurrent.Future<QuicStreamChannel> createIfAllowed(ChannelInitializer<QuicStreamChannel> init) {
        io.netty.util.concurrent.Promise<QuicStreamChannel> result = channel.eventLoop().newPromise();
        channel.eventLoop().execute(() -> {
            if (channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) <= 0) {
                result.trySuccess(null);
                return;
            }
            channel.createStream(QuicStreamType.BIDIRECTIONAL, init).addListener(f -> {
                if (f.isSuccess()) {
                    result.trySuccess((QuicStreamChannel) f.getNow());
                } else {
                    result.tryFailure(f.cause());
                }
            });
        });
        return result;
    }

    private static boolean isStreamLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof QuicException q && q.error() == QuicTransportError.STREAM_LIMIT_ERROR) {
                return true;
            }
        }
        return false;
    }

    private void awaitCredit(long generation, long deadline) throws IOException {
        creditLock.lock();
        try {
            while (creditGeneration == generation && !closed.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("the remote allowed no new stream within " + config.streamOpenTimeout());
                }
                creditChanged.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for QUIC stream credit");
        } finally {
            creditLock.unlock();
        }
    }

    /** The remote granted more streams (QUIC MAX_STREAMS); called on the event loop. */
    void streamCreditChanged() {
        creditLock.lock();
        try {
            creditGeneration++;
            creditChanged.signalAll();
        } finally {
            creditLock.unlock();
        }
    }

    @Override
    public MuxedStream acceptStream() throws IOException {
        try {
            Object next = inbound.take();
            if (next == END) {
                inbound.offer(END); // for any other thread waiting
                return null;
            }
            return (QuicStream) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting a QUIC stream");
        }
    }

    /**
     * Sends the FIN of {@code s} from the event loop as soon as quiche will emit it at once: now, or
     * after a batch of received packets freed the congestion window ({@link #retryFins()}), or at
     * the latest after {@link #FIN_WAIT}.
     */
    void finish(QuicStream s) {
        channel.eventLoop().execute(() -> {
            if (s.sendFinIfRoom(false)) {
                return;
            }
            finsWaiting.add(s);
            channel.eventLoop().schedule(() -> {
                if (finsWaiting.remove(s)) {
                    s.sendFinIfRoom(true);
                }
            }, FIN_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    /**
     * Called on the event loop after the socket processed a batch of packets and before Netty
     * lets streams refill the congestion window: ACKs have just freed room, so waiting FINs go first.
     */
    void retryFins() {
        if (finsWaiting.isEmpty()) {
            return;
        }
        finsWaiting.removeIf(s -> s.sendFinIfRoom(false));
    }

    void streamGone(QuicStream s) {
        streams.remove(s);
    }

    /** Notes traffic, so keep-alive stays quiet on busy connections. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /**
     * Runs on the event loop. quiche sends no PING of its own and Netty offers none, so the
     * ack-eliciting packet is a stream opened and reset at once: the remote's libp2p stack accepts
     * it, fails to negotiate a protocol on it and forgets it, and its ACK restarts our idle timer.
     */
    private void keepAlive() {
        if (closed.get() || System.nanoTime() - lastActivity < config.keepAliveInterval().toNanos()) {
            return;
        }
        touch();
        if (channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) <= 0) {
            return; // streams are busy: no stream ID to spend, and their traffic keeps the connection alive
        }
        channel.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel c) {
                // nothing to handle: the stream is reset right away
            }
        }).addListener(f -> {
            if (f.isSuccess()) {
                QuicStreamChannel s = (QuicStreamChannel) f.getNow();
                s.shutdown(0).addListener(x -> s.close());
            }
        });
    }


    /** How many streams are open now (for tests). */
    int streamCount() {
        return streams.size();
    }

    @Override
    public boolean isClosed() {
        return closed.get() || !channel.isActive();
    }

    private void closed() {
        closed.set(true);
        uncharged.clear(); // on the event loop, as the close future's listeners run
        streamCreditChanged(); // wakes openers
        ScheduledFuture<?> k = keepAlive;
        if (k != null) {
            k.cancel(false);
        }
        inbound.offer(END);
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        inbound.offer(END);
        if (channel.isOpen()) {
            // an application close with code 0, as go-libp2p sends on a normal close
            NettyFutures.await(channel.close(true, 0, Unpooled.EMPTY_BUFFER), Duration.ofSeconds(5),
                    "closing QUIC connection");
        }
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
        Peers p = peers;
        return "QuicConnection[" + (p == null ? "handshaking" : p.remote()) + " "
                + channel.remoteSocketAddress() + "]";
    }
}
