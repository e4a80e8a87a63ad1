package io.p2pkit.pubsub.engine;

import io.p2pkit.pubsub.MessageId;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Message IDs seen recently, each forgotten {@code ttl} after it was first added (first-seen) or,
 * sliding, after it was last seen (last-seen: every duplicate or lookup starts its time again, as
 * go-libp2p-pubsub's {@code LastSeen} strategy, Kubo's default), with a hard cap on the number held
 * (the oldest go first). Not thread-safe: owned by the pubsub owner thread.
 */
public final class SeenCache {
    private final Clock clock;
    private final long ttlMillis;
    private final int capacity;
    private final boolean sliding;
    private final LinkedHashMap<MessageId, Long> added = new LinkedHashMap<>();

    /** A cache forgetting {@code ttl} after an ID was first added, holding at most {@code capacity} IDs. */
    public SeenCache(Clock clock, Duration ttl, int capacity) {
        this(clock, ttl, capacity, false);
    }

    /**
     * The same, each ID's time starting again whenever it is seen when {@code sliding}.
     */
    public SeenCache(Clock clock, Duration ttl, int capacity, boolean sliding) {
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        this.capacity = capacity;
        this.sliding = sliding;
    }

    /** Starts {@code id}'s time again (moved last, which keeps insertion order time order). */
    private void refresh(MessageId id, long now) {
        added.remove(id);
        added.put(id, now);
    }

    /** Adds {@code id}; returns false if it was already there (a duplicate). */
    public boolean add(MessageId id) {
        long now = clock.millis();
        expire(now);
        if (added.containsKey(id)) {
            if (sliding) {
                refresh(id, now);
            }
            return false;
        }
        if (added.size() >= capacity) {
            Iterator<MessageId> it = added.keySet().iterator();
            it.next();
            it.remove();
        }
        added.put(id, now);
        return true;
    }

    /** Whether {@code id} was seen within the TTL. */
    public boolean contains(MessageId id) {
        long now = clock.millis();
        expire(now);
        if (!added.containsKey(id)) {
            return false;
        }
        if (sliding) {
            refresh(id, now);
        }
        return true;
    }

    /** Drops expired IDs. */
    public void expire() {
        expire(clock.millis());
    }

    private void expire(long now) {
        Iterator<Map.Entry<MessageId, Long>> it = added.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue() < ttlMillis) {
                break; // insertion order is time order
            }
            it.remove();
        }
    }

    /** How many IDs are held. */
    public int size() {
        return added.size();
    }

    @Override
    public String toString() {
        return "SeenCache[" + added.size() + " ids, ttl " + ttlMillis + " ms" + (sliding ? ", last-seen" : "") + "]";
    }
}
