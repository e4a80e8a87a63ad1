package io.p2pkit.webrtc.mux;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One UDP socket shared by many WebRTC peers. A virtual thread reads it with blocking I/O and
 * sorts each datagram by its first byte (RFC 7983): STUN (0..3) goes to the {@link StunHandler},
 * DTLS (20..63) to the bounded queue of the {@link UdpPeer} registered for the sender's address;
 * DTLS from an unregistered address and RTP are dropped; TURN channel data (64..79) goes to the
 * handler too, which drops it unless it holds a TURN allocation. Peers
 * are registered only by the owner (after ICE accepted them) and their number is capped, so a
 * flood of datagrams from new addresses creates no state; queued datagrams are capped per peer
 * and, at {@link #MAX_QUEUED_BYTES}, for the whole mux, and charged to each peer's memory scope
 * while they wait.
 */
public final class UdpMux implements AutoCloseable {
    /** Receives every STUN message that arrives, with its sender, on the mux's reader thread. */
    @FunctionalInterface
    public interface StunHandler {
        /** Called for each well-formed STUN message; must not block for long. */
        void onStun(UdpMux mux, StunMessage message, InetSocketAddress from);

        /**
         * Called for a STUN message that {@code from} sent to a relay of ours and the relay handed
         * on with {@link #deliver}; dropped unless overridden.
         */
        default void onRelayed(UdpMux mux, StunMessage message, InetSocketAddress from, UdpRelay via) {
        }

        /** Called for each datagram whose first byte is a TURN channel's (64..79); dropped unless overridden. */
        default void onChannelData(UdpMux mux, byte[] datagram, InetSocketAddress from) {
        }
    }

    /** Largest datagram read; anything longer is cut and then fails DTLS or STUN checks. */
    public static final int MAX_DATAGRAM = 2048;
    /** Most bytes queued for all peers of one mux together; beyond it datagrams are dropped. */
    public static final long MAX_QUEUED_BYTES = 16L << 20;

    private static final System.Logger LOG = LazyLogger.of(UdpMux.class);

    private final DatagramChannel channel;
    private final StunHandler handler;
    private final int maxPeers;
    private final int queueCapacity;
    private final ConcurrentHashMap<InetSocketAddress, UdpPeer> peers = new ConcurrentHashMap<>();
    private final AtomicInteger peerCount = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread reader;
    private final java.util.List<Runnable> beforeClose = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;

    private UdpMux(DatagramChannel channel, StunHandler handler, int maxPeers, int queueCapacity) {
        this.channel = channel;
        this.handler = handler;
        this.maxPeers = maxPeers;
        this.queueCapacity = queueCapacity;
        this.reader = Thread.ofVirtual().name("udp-mux-" + localAddressOrNull(channel)).unstarted(this::readLoop);
    }

    /**
     * Binds a socket to {@code bind} and starts reading it.
     *
     * @param maxPeers      most registered peers at once
     * @param queueCapacity most DTLS datagrams queued per peer; more are dropped (DTLS retransmits)
     */
    public static UdpMux open(InetSocketAddress bind, StunHandler handler, int maxPeers, int queueCapacity)
            throws IOException {
        if (maxPeers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxPeers and queueCapacity must be positive");
        }
        StandardProtocolFamily family = bind.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.bind(bind);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        UdpMux mux = new UdpMux(channel, handler, maxPeers, queueCapacity);
        mux.reader.start();
        return mux;
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the mux is closed", e);
        }
    }

    /** The peer registered for this remote address. */
    public Optional<UdpPeer> peer(InetSocketAddress remote) {
        return Optional.ofNullable(peers.get(remote));
    }

    /**
     * Registers a peer for this remote address, or returns the one already there; empty when the
     * mux is closed or already holds its maximum of peers. Its queued datagrams are charged to nothing.
     */
    public Optional<UdpPeer> register(InetSocketAddress remote) {
        return register(remote, MemoryScope.UNLIMITED);
    }

    /**
     * Registers a peer for this remote address whose queued datagrams are charged to
     * {@code memory} (the connection's span) until read, or returns the one already there; empty
     * when the mux is closed or already holds its maximum of peers.
     */
    public Optional<UdpPeer> register(InetSocketAddress remote, MemoryScope memory) {
        return register(remote, memory, null);
    }

    /**
     * Registers a peer as {@link #register(InetSocketAddress, MemoryScope)} does, whose datagrams
     * go out through {@code via} (a TURN allocation) instead of straight from the socket when it is
     * not null. What it receives comes either way: straight, or handed on with {@link #deliver}.
     */
    public Optional<UdpPeer> register(InetSocketAddress remote, MemoryScope memory, UdpRelay via) {
        if (closed) {
            return Optional.empty();
        }
        UdpPeer existing = peers.get(remote);
        if (existing != null) {
            return Optional.of(existing);
        }
        if (peerCount.incrementAndGet() > maxPeers) {
            peerCount.decrementAndGet();
            return Optional.empty();
        }
        UdpPeer created = new UdpPeer(this, remote, queueCapacity, memory, via);
        UdpPeer raced = peers.putIfAbsent(remote, created);
        if (raced != null) {
            peerCount.decrementAndGet();
            return Optional.of(raced);
        }
        return Optional.of(created);
    }

    /** How many peers are registered. */
    public int peerCount() {
        return peerCount.get();
    }

    /**
     * Sends one datagram. An interrupt pending on the calling thread is kept for the caller, not
     * acted on: a channel closes when a thread with its interrupt set uses it, and this socket is
     * every connection's of the mux (and a listener's), not the caller's alone.
     *
     * @throws ClosedChannelException once the mux is closed
     */
    public void send(byte[] data, int offset, int length, InetSocketAddress to) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        boolean interrupted = Thread.interrupted();
        try {
            channel.send(ByteBuffer.wrap(data, offset, length), to);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Handles a datagram that {@code from} sent to a relay of ours, which the relay hands on: STUN
     * goes to the handler's {@link StunHandler#onRelayed}, DTLS to the peer registered for
     * {@code from} (charged as datagrams that came straight), anything else is dropped.
     */
    public void deliver(byte[] datagram, InetSocketAddress from, UdpRelay via) {
        if (!closed && datagram.length > 0) {
            dispatch(datagram, from, via);
        }
    }

    /**
     * Runs {@code action} when {@link #close()} is first called, before the socket closes (a TURN
     * allocation says goodbye to its server from it); false, and nothing kept, when closing began already.
     */
    public boolean beforeClose(Runnable action) {
        if (closing.get()) {
            return false;
        }
        beforeClose.add(action);
        return true;
    }

    /** How many datagram bytes wait in peers' queues. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** Takes {@code n} bytes from the mux-wide budget; false (and nothing taken) when it is spent. */
    boolean reserve(int n) {
        if (queuedBytes.addAndGet(n) > MAX_QUEUED_BYTES) {
            queuedBytes.addAndGet(-n);
            return false;
        }
        return true;
    }

    void release(int n) {
        queuedBytes.addAndGet(-n);
    }

    void unregister(UdpPeer peer) {
        if (peers.remove(peer.remoteAddress(), peer)) {
            peerCount.decrementAndGet();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Runs the {@link #beforeClose} actions, then closes the socket and every peer. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        for (Runnable action : beforeClose) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "an action before closing the UDP socket failed", e);
            }
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the UDP socket", e);
        }
        for (UdpPeer p : peers.values()) {
            p.close();
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            InetSocketAddress from;
            try {
                buf.clear();
                from = (InetSocketAddress) channel.receive(buf);
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "UDP mux reader stops", e);
                    close();
                }
                return;
            }
            buf.flip();
            if (from == null || !buf.hasRemaining()) {
                continue;
            }
            dispatch(Arrays.copyOf(buf.array(), buf.limit()), from, null);
        }
    }

    /** Sorts a datagram from {@code from}, which came straight or, when {@code via} is not null, through that relay. */
    private void dispatch(byte[] datagram, InetSocketAddress from, UdpRelay via) {
        int first = datagram[0] & 0xFF;
        if (StunMessage.isStun(first)) {
            StunMessage message;
            try {
                message = StunMessage.decode(datagram, datagram.length);
            } catch (DecodeException e) {
                return; // not ours to answer
            }
            try {
                if (via == null) {
                    handler.onStun(this, message, from);
                } else {
                    handler.onRelayed(this, message, from, via);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "STUN handler failed", e);
            }
        } else if (first >= 20 && first <= 63) {
            UdpPeer peer = peers.get(from);
            if (peer != null) {
                peer.offer(datagram);
            }
        } else if (first >= 64 && first <= 79 && via == null) {
            try {
                handler.onChannelData(this, datagram, from);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "TURN channel handler failed", e);
            }
        }
    }

    private static Object localAddressOrNull(DatagramChannel channel) {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
