package io.p2pkit.core.connmgr;

import io.p2pkit.core.identity.PeerId;

import java.time.Duration;

/**
 * A tag whose value on each peer decays at every tick of its interval and grows when bumped
 * (go-libp2p's decaying tags: for example "recently useful for the DHT"). Get one from
 * {@link ConnectionManager#registerDecayingTag}; closing it removes it from every peer.
 */
public final class DecayingTag implements AutoCloseable {
    private final ConnectionManager manager;
    private final String name;
    private final long intervalNanos;
    private final DecayFunction decay;
    private final BumpFunction bump;
    private final long registeredNanos;

    DecayingTag(ConnectionManager manager, String name, Duration interval, DecayFunction decay, BumpFunction bump,
                long registeredNanos) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("decay interval must be positive");
        }
        this.manager = manager;
        this.name = name;
        this.intervalNanos = interval.toNanos();
        this.decay = decay;
        this.bump = bump;
        this.registeredNanos = registeredNanos;
    }

    /** The tag's name. */
    public String name() {
        return name;
    }

    /** The decay interval. */
    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /** Bumps the tag on {@code peer} by {@code delta} (adding it at zero when absent). */
    public void bump(PeerId peer, int delta) {
        manager.bumpDecaying(this, peer, delta);
    }

    /** Removes the tag from {@code peer}. */
    public void remove(PeerId peer) {
        manager.removeDecaying(this, peer);
    }

    /** Removes the tag from every peer; later bumps are ignored. */
    @Override
    public void close() {
        manager.closeDecaying(this);
    }

    DecayFunction decay() {
        return decay;
    }

    BumpFunction bumpFunction() {
        return bump;
    }

    /** The index of the last tick at or before {@code nowNanos}. */
    long tick(long nowNanos) {
        return Math.floorDiv(nowNanos - registeredNanos, intervalNanos);
    }

    long tickTime(long tick) {
        return registeredNanos + tick * intervalNanos;
    }

    @Override
    public String toString() {
        return "DecayingTag[" + name + " every " + interval() + "]";
    }
}
