package io.p2pkit.core.transport.memory;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated network of {@link MemoryTransport}s in one JVM: the address space of
 * {@code /memory/<n>} listeners, and the latency of each link.
 *
 * <p>It lets protocol logic (DHT, gossipsub, relay) run with hundreds or thousands of hosts in one
 * process without sockets. Every connection is a pair of bounded in-memory pipes; with a
 * {@link LinkLatency} each write arrives after the link's one-way delay, and a dial takes one
 * round trip, as a TCP connect would.
 */
public final class MemoryNetwork {
    /** The one-way delay of the link between two memory addresses (their numbers). */
    @FunctionalInterface
    public interface LinkLatency {
        /** The one-way delay from {@code from} to {@code to}; never negative. */
        Duration oneWay(long from, long to);
    }

    /** Connections waiting for {@code accept} per listener before further dials are refused. */
    static final int BACKLOG = 256;

    private final ConcurrentHashMap<Long, MemoryListener> listeners = new ConcurrentHashMap<>();
    private final AtomicLong nextNumber = new AtomicLong(1);
    private final int bufferBytes;
    private volatile LinkLatency latency = (from, to) -> Duration.ZERO;

    /** A network whose connections buffer {@link MemoryConnection#DEFAULT_BUFFER_BYTES} per direction. */
    public MemoryNetwork() {
        this(MemoryConnection.DEFAULT_BUFFER_BYTES);
    }

    /**
     * A network whose connections buffer up to {@code bufferBytes} per direction.
     *
     * @throws IllegalArgumentException if {@code bufferBytes} is not positive
     */
    public MemoryNetwork(int bufferBytes) {
        if (bufferBytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bufferBytes);
        }
        this.bufferBytes = bufferBytes;
    }

    /** Sets the latency of every link made from now on (default: none). */
    public void latency(LinkLatency latency) {
        this.latency = Objects.requireNonNull(latency, "latency");
    }

    /** A new transport attached to this network; give one to each simulated host. */
    public MemoryTransport transport() {
        return new MemoryTransport(this);
    }

    /** The number of listeners currently registered. */
    public int listenerCount() {
        return listeners.size();
    }

    /** A number nobody listens on, for a listener on {@code /memory/0} or a dialer's own address. */
    long freshNumber() {
        while (true) {
            long n = nextNumber.getAndIncrement();
            if (n != 0 && !listeners.containsKey(n)) {
                return n;
            }
        }
    }

    /** Registers {@code listener} under its number; fails if the number is taken. */
    void register(MemoryListener listener) throws IOException {
        if (listeners.putIfAbsent(listener.number(), listener) != null) {
            throw new IOException("address in use: /memory/" + Long.toUnsignedString(listener.number()));
        }
    }

    void unregister(MemoryListener listener) {
        listeners.remove(listener.number(), listener);
    }

    /**
     * Connects {@code from} to the listener on {@code to}, waiting one round trip of the link.
     *
     * @throws ConnectException when nothing listens on {@code to} or its backlog is full
     * @throws java.net.SocketTimeoutException when the round trip exceeds {@code timeout}
     */
    MemoryTransportConnection connect(long from, long to, Duration timeout) throws IOException {
        Duration oneWay = Objects.requireNonNull(latency.oneWay(from, to), "latency");
        if (oneWay.isNegative()) {
            throw new IllegalStateException("negative link latency " + oneWay);
        }
        Duration roundTrip = oneWay.multipliedBy(2);
        if (!roundTrip.isZero()) {
            // Models the connect handshake's round trip on the simulated link; not a wait for a condition.
            sleep(roundTrip.compareTo(timeout) > 0 ? timeout : roundTrip);
            if (roundTrip.compareTo(timeout) > 0) {
                throw new java.net.SocketTimeoutException("connect to /memory/"
                        + Long.toUnsignedString(to) + " timed out after " + timeout.toMillis() + " ms");
            }
        }
        MemoryListener listener = listeners.get(to);
        if (listener == null) {
            throw new ConnectException("connection refused: nothing listens on /memory/" + Long.toUnsignedString(to));
        }
        MemoryConnection.Pair pair = MemoryConnection.pair(bufferBytes, oneWay);
        MemoryTransportConnection dialer = new MemoryTransportConnection(pair.initiator(), from, to);
        MemoryTransportConnection accepted = new MemoryTransportConnection(pair.responder(), to, from);
        if (!listener.offer(accepted)) {
            pair.closeBoth();
            throw new ConnectException("connection refused: /memory/" + Long.toUnsignedString(to)
                    + " has " + BACKLOG + " connections waiting to be accepted");
        }
        return dialer;
    }

    private static void sleep(Duration duration) throws IOException {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while connecting");
        }
    }
}
