package io.p2pkit.pubsub.simulation;

import io.p2pkit.core.identity.PeerId;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The network of a virtual-time simulation: which nodes are connected, and what a link costs.
 * Each unordered pair of nodes has a fixed one-way latency (from a hash of the pair and the seed:
 * symmetric and reproducible); each direction of a connection sends one frame at a time at a fixed
 * bandwidth. A connection takes {@link #SETUP_ROUND_TRIPS} round trips to set up (TCP, security
 * and muxer negotiation), after which both nodes are told.
 */
final class SimNetwork {
    /** Round trips from a dial to an open connection. */
    static final int SETUP_ROUND_TRIPS = 3;

    /** One connection; its identity tells frames of a closed connection from those of a newer one. */
    static final class Connection {
        final SimNode dialer;
        final SimNode listener;

        Connection(SimNode dialer, SimNode listener) {
            this.dialer = dialer;
            this.listener = listener;
        }

        SimNode other(SimNode n) {
            return n == dialer ? listener : dialer;
        }
    }

    private final VirtualTime time;
    private final long seed;
    private final long minLatencyNanos;
    private final long latencySpanNanos;
    private final long bytesPerSecond;
    private final Map<PeerId, SimNode> nodes = new HashMap<>();
    private final Set<Long> dialing = new HashSet<>();
    private long connectionsOpened;
    private long connectionsClosed;

    /**
     * @param bytesPerSecond each direction of each connection; 0 for no limit
     */
    SimNetwork(VirtualTime time, long seed, long minLatencyNanos, long maxLatencyNanos, long bytesPerSecond) {
        this.time = time;
        this.seed = seed;
        this.minLatencyNanos = minLatencyNanos;
        this.latencySpanNanos = Math.max(0, maxLatencyNanos - minLatencyNanos);
        this.bytesPerSecond = bytesPerSecond;
    }

    VirtualTime time() {
        return time;
    }

    void add(SimNode node) {
        nodes.put(node.peerId(), node);
    }

    SimNode node(PeerId peer) {
        return nodes.get(peer);
    }

    /** The one-way latency between two nodes. */
    long latencyNanos(SimNode a, SimNode b) {
        long lo = Math.min(a.index(), b.index());
        long hi = Math.max(a.index(), b.index());
        long h = (lo * 0x9E3779B97F4A7C15L) ^ (hi * 0xC2B2AE3D27D4EB4FL) ^ seed;
        h ^= h >>> 31;
        return minLatencyNanos + (latencySpanNanos == 0 ? 0 : Math.floorMod(h, latencySpanNanos));
    }

    /** How long a frame of {@code bytes} keeps a direction of a connection busy. */
    long transmitNanos(int bytes) {
        return bytesPerSecond <= 0 ? 0 : bytes * 1_000_000_000L / bytesPerSecond;
    }

    /** Dials from {@code a} to {@code b}, unless they are connected or already dialing each other. */
    void dial(SimNode a, SimNode b) {
        if (a == b || a.connection(b.peerId()) != null) {
            return;
        }
        long key = pairKey(a, b);
        if (!dialing.add(key)) {
            return;
        }
        time.after(SETUP_ROUND_TRIPS * 2 * latencyNanos(a, b), () -> {
            dialing.remove(key);
            if (a.connection(b.peerId()) != null) {
                return;
            }
            Connection c = new Connection(a, b);
            connectionsOpened++;
            a.connected(c);
            b.connected(c);
        });
    }

    /** Closes the connection between {@code a} and {@code b}: {@code a} knows at once, {@code b} one latency later. */
    void close(SimNode a, SimNode b) {
        Connection c = a.connection(b.peerId());
        if (c == null) {
            return;
        }
        connectionsClosed++;
        a.disconnected(c);
        time.after(latencyNanos(a, b), () -> b.disconnected(c));
    }

    private static long pairKey(SimNode a, SimNode b) {
        return ((long) Math.min(a.index(), b.index()) << 32) | Math.max(a.index(), b.index());
    }

    /** Connections opened so far. */
    long connectionsOpened() {
        return connectionsOpened;
    }

    /** Connections closed so far. */
    long connectionsClosed() {
        return connectionsClosed;
    }
}
