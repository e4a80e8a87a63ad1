package io.p2pkit.nat.relay;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ListenerClosedException;
import io.p2pkit.core.transport.TransportConnection;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Listening through one relay: holds a reservation on it and renews it at three quarters of its
 * lifetime, reserving again (with back-off) when a renewal fails or the connection to the relay
 * is lost. Its {@link #addresses()} are the relayed addresses of the live reservation, none while
 * there is none; the host announces them. Relayed connections the relay brings (STOP) queue here
 * until the host accepts them.
 */
final class RelayListener implements Listener {
    /** Relayed connections waiting for the host's accept loop; more are refused. */
    static final int ACCEPT_QUEUE = 16;
    /** The shortest wait before a renewal, so that a relay with a tiny TTL is not hammered. */
    static final Duration MIN_RENEWAL = Duration.ofSeconds(1);
    /** The first and the longest wait before reserving again after a failure. */
    static final Duration RETRY_FIRST = Duration.ofSeconds(2);
    static final Duration RETRY_MAX = Duration.ofMinutes(1);

    private static final System.Logger LOG = LazyLogger.of(RelayListener.class);

    private final RelayClient client;
    private final PeerInfo relay;
    private final Multiaddr address;
    private final BlockingQueue<RelayedConnection> inbound = new ArrayBlockingQueue<>(ACCEPT_QUEUE);
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Reservation reservation;
    private ScheduledFuture<?> next;
    private Duration retry = RETRY_FIRST;
    private volatile boolean closed;

    RelayListener(RelayClient client, PeerInfo relay, Multiaddr address) {
        this.client = client;
        this.relay = relay;
        this.address = address;
    }

    /** The relay. */
    PeerInfo relay() {
        return relay;
    }

    /** The live reservation, if any. */
    Optional<Reservation> reservation() {
        Reservation r = reservation;
        return r != null && r.expiration().isAfter(client.now()) ? Optional.of(r) : Optional.empty();
    }

    /** Makes the first reservation; its failure is the listen's. */
    void start() throws IOException {
        accepted(client.reserve(relay));
    }

    private void accepted(Reservation r) {
        Reservation before = reservation;
        reservation = r;
        lock.lock();
        try {
            retry = RETRY_FIRST;
            Duration left = Duration.between(client.now(), r.expiration());
            Duration wait = left.multipliedBy(3).dividedBy(4);
            schedule(wait.compareTo(MIN_RENEWAL) < 0 ? MIN_RENEWAL : wait);
        } finally {
            lock.unlock();
        }
        if (before == null || !before.relayedAddresses().equals(r.relayedAddresses())) {
            client.addressesChanged();
        }
    }

    /** The connection to the relay is gone, and with it the reservation (the spec): reserve again soon. */
    void relayLost() {
        if (closed || reservation == null) {
            return;
        }
        reservation = null;
        client.addressesChanged();
        lock.lock();
        try {
            schedule(RETRY_FIRST);
        } finally {
            lock.unlock();
        }
    }

    private void renew() {
        if (closed) {
            return;
        }
        try {
            accepted(client.reserve(relay));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "renewing the reservation on " + relay.peerId() + " failed: " + e);
            Reservation r = reservation;
            if (r != null && !r.expiration().isAfter(client.now().plus(RETRY_FIRST))) {
                reservation = null; // expired (or about to): stop announcing it
                client.addressesChanged();
            }
            lock.lock();
            try {
                Duration wait = retry;
                retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
                schedule(wait);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under the lock. */
    private void schedule(Duration wait) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = client.host().scheduler().schedule(() -> client.host().spawn("p2pkit-relay-renew", this::renew),
                wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Queues a relayed connection for the host; false when the queue is full or the listener closed. */
    boolean offer(RelayedConnection c) {
        return !closed && inbound.offer(c);
    }

    /** Whether a connection would be taken now. */
    boolean hasRoom() {
        return !closed && inbound.remainingCapacity() > 0;
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    /** The relayed addresses of the live reservation; none without one. */
    @Override
    public List<Multiaddr> addresses() {
        return reservation().map(Reservation::relayedAddresses).orElse(List.of());
    }

    @Override
    public TransportConnection accept() throws IOException {
        while (!closed) {
            try {
                RelayedConnection c = inbound.poll(1, TimeUnit.SECONDS);
                if (c != null) {
                    return c;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while accepting relayed connections");
            }
        }
        throw new ListenerClosedException("no longer listening through " + relay.peerId());
    }

    /** Stops listening: no renewal, no announced addresses; queued connections are closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        lock.lock();
        try {
            if (next != null) {
                next.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        reservation = null;
        client.listenerClosed(this);
        for (RelayedConnection c; (c = inbound.poll()) != null; ) {
            c.close();
        }
    }

    /** When the live reservation expires, if any. */
    Optional<Instant> expiration() {
        return reservation().map(Reservation::expiration);
    }

    @Override
    public String toString() {
        return "RelayListener[" + address + "]";
    }
}
