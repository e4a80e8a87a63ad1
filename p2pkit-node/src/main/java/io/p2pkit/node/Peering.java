package io.p2pkit.node;

import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Peers a node keeps connected, as Kubo's peering service ({@code Peering.Peers},
 * {@code ipfs swarm peering}): each is protected from the connection manager's trimming, dialed
 * when it is added, and redialed whenever its last connection closes, after a back-off that
 * starts at {@link #INITIAL_DELAY} and grows by half plus a random share (as boxo's) up to
 * {@link #MAX_BACKOFF} (less up to 10% at the top, so that many peers do not come back at once);
 * a connection resets it. Kubo's first dial waits a back-off too; here it happens at once, so
 * that a peer just added is connected as soon as it can be.
 */
public final class Peering implements Closeable {
    /** The first wait before redialing. */
    public static final Duration INITIAL_DELAY = Duration.ofSeconds(5);
    /** The longest wait between dials. */
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    /** The tag peers are protected under in the connection manager (Kubo's). */
    public static final String TAG = io.p2pkit.core.connmgr.ConnectionManager.PEERING_TAG;
    /** The most peers kept. */
    public static final int MAX_PEERS = 1024;
    private static final System.Logger LOG = LazyLogger.of(Peering.class);

    /** One peer: its addresses, the next wait and the redial due, if any. */
    private static final class Entry {
        List<io.p2pkit.core.multiaddr.Multiaddr> addresses;
        long delayNanos = INITIAL_DELAY.toNanos();
        ScheduledFuture<?> redial;
        boolean dialing;
    }

    private final Host host;
    private final ConnectionManager connections;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, Entry> peers = new LinkedHashMap<>();
    private volatile boolean closed;

    Peering(Host host, ConnectionManager connections) {
        this.host = host;
        this.connections = connections;
        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                connectedTo(c.remotePeer());
            }

            @Override
            public void disconnected(Connection c) {
                disconnectedFrom(c.remotePeer());
            }
        });
    }

    /**
     * Keeps {@code peer} connected from now on (a peer already kept takes the new addresses).
     * Addresses may be empty: the peer store's are used then.
     *
     * @throws IllegalArgumentException for this node itself, or when {@link #MAX_PEERS} are kept
     */
    public void add(PeerInfo peer) {
        if (peer.peerId().equals(host.peerId())) {
            throw new IllegalArgumentException("cannot peer with this node itself");
        }
        lock.lock();
        try {
            Entry e = peers.get(peer.peerId());
            if (e == null) {
                if (peers.size() >= MAX_PEERS) {
                    throw new IllegalArgumentException("too many peering peers: at most " + MAX_PEERS);
                }
                e = new Entry();
                peers.put(peer.peerId(), e);
                connections.protect(peer.peerId(), TAG);
            }
            e.addresses = List.copyOf(peer.addresses());
            if (!connected(peer.peerId()) && !e.dialing && e.redial == null) {
                dialSoon(peer.peerId(), e, 0);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops keeping {@code peer} connected (its connections stay, unprotected). */
    public void remove(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.remove(peer);
            if (e != null) {
                connections.unprotect(peer, TAG);
                if (e.redial != null) {
                    e.redial.cancel(false);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the peers kept, in the order they were added, each with the addresses it was given */
    public List<PeerInfo> list() {
        lock.lock();
        try {
            List<PeerInfo> out = new ArrayList<>();
            peers.forEach((p, e) -> out.add(new PeerInfo(p, e.addresses)));
            return out;
        } finally {
            lock.unlock();
        }
    }

    private boolean connected(PeerId peer) {
        return !host.network().connections(peer).isEmpty();
    }

    private void connectedTo(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e != null) {
                e.delayNanos = INITIAL_DELAY.toNanos();
                if (e.redial != null) {
                    e.redial.cancel(false);
                    e.redial = null;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void disconnectedFrom(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e != null && !connected(peer) && !e.dialing && e.redial == null) {
                dialSoon(peer, e, nextBackoff(e));
            }
        } finally {
            lock.unlock();
        }
    }

    /** boxo's back-off: grows by half and a random share of itself, capped, less up to 10% at the cap. */
    private static long nextBackoff(Entry e) {
        long max = MAX_BACKOFF.toNanos();
        if (e.delayNanos < max) {
            e.delayNanos += e.delayNanos / 2 + ThreadLocalRandom.current().nextLong(e.delayNanos);
        }
        if (e.delayNanos > max) {
            e.delayNanos = max - ThreadLocalRandom.current().nextLong(max / 10);
        }
        return e.delayNanos;
    }

    /** Dials {@code peer} after {@code delayNanos}; called with the lock held. */
    private void dialSoon(PeerId peer, Entry e, long delayNanos) {
        if (closed) {
            return;
        }
        try {
            e.redial = host.scheduler().schedule(() -> host.spawn("p2pkit-peering " + peer, () -> dial(peer)),
                    delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            e.redial = null; // the host is closing: no more dials
        }
    }

    private void dial(PeerId peer) {
        List<io.p2pkit.core.multiaddr.Multiaddr> addresses;
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e == null || closed) {
                return;
            }
            e.redial = null;
            e.dialing = true;
            addresses = e.addresses;
        } finally {
            lock.unlock();
        }
        boolean ok = false;
        try {
            if (addresses.isEmpty()) {
                host.connect(peer);
            } else {
                host.connect(new PeerInfo(peer, addresses));
            }
            ok = true;
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.DEBUG, () -> "peering: dialing " + peer + " failed: " + ex);
        } finally {
            lock.lock();
            try {
                Entry e = peers.get(peer);
                if (e != null) {
                    e.dialing = false;
                    if (ok || connected(peer)) {
                        e.delayNanos = INITIAL_DELAY.toNanos();
                    } else if (e.redial == null) {
                        dialSoon(peer, e, nextBackoff(e));
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops redialing (the host closes the connections). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            peers.values().forEach(e -> {
                if (e.redial != null) {
                    e.redial.cancel(false);
                }
            });
        } finally {
            lock.unlock();
        }
    }
}
