package io.p2pkit.node.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Whether the sweeping provider can announce, in Kubo 0.39's three states: online while the DHT's
 * routing table has peers; disconnected once it has none, when keys announced for the first time
 * wait in the provide queue and slices whose time comes wait too, all going out once it is online
 * again; offline after {@code Provide.DHT.OfflineDelay} disconnected, when the queue is dropped
 * (its keys join the keystore, to be announced with their slice once online) and provide requests
 * are refused. Kubo's provider starts offline; so do the statistics here, but a node not yet
 * online keeps its queue for the delay from its start, as a disconnected one does, so that what
 * is added while it bootstraps is not lost.
 */
final class ProviderConnectivity {
    /** Kubo's {@code Provide.DHT.OfflineDelay} default. */
    static final Duration DEFAULT_OFFLINE_DELAY = io.p2pkit.node.NodeConfig.Sweep.DEFAULT_OFFLINE_DELAY;

    /** What the provider does now. */
    enum State {
        /** Announces. */
        ONLINE,
        /** Holds what it would announce. */
        DISCONNECTED,
        /** Drops the provide queue and refuses provide requests. */
        OFFLINE
    }

    private final IntSupplier peers;
    private final Duration offlineDelay;
    private final Clock clock;
    /** Guards the fields below. */
    private final ReentrantLock lock = new ReentrantLock();
    private boolean everOnline;
    /** When the DHT was last seen without peers after having had some (or the start); null while online. */
    private Instant lostAt;
    private String shown = "offline";
    private Instant since;

    /**
     * @param peers        the DHT's peers now
     * @param offlineDelay how long disconnected before offline
     */
    ProviderConnectivity(IntSupplier peers, Duration offlineDelay, Clock clock) {
        if (offlineDelay.isNegative()) {
            throw new IllegalArgumentException("the offline delay must not be negative: " + offlineDelay);
        }
        this.peers = peers;
        this.offlineDelay = offlineDelay;
        this.clock = clock;
        this.lostAt = clock.instant();
    }

    Duration offlineDelay() {
        return offlineDelay;
    }

    /** Looks at the DHT now and answers the state. */
    State check() {
        Instant now = clock.instant();
        boolean up = peers.getAsInt() > 0;
        lock.lock();
        try {
            State s;
            if (up) {
                everOnline = true;
                lostAt = null;
                s = State.ONLINE;
            } else {
                if (lostAt == null) {
                    lostAt = now;
                }
                s = Duration.between(lostAt, now).compareTo(offlineDelay) >= 0 ? State.OFFLINE : State.DISCONNECTED;
            }
            String name = s == State.ONLINE ? "online" : !everOnline || s == State.OFFLINE ? "offline" : "disconnected";
            if (!name.equals(shown)) {
                shown = name;
                since = now;
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** The status as the statistics show it, looked at now. */
    SweepStats.Connectivity stats() {
        check();
        lock.lock();
        try {
            return new SweepStats.Connectivity(shown, Optional.ofNullable(since));
        } finally {
            lock.unlock();
        }
    }
}
