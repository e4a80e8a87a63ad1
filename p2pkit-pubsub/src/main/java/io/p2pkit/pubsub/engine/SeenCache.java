package io.p2pkit.pubsub.engine;

import io.p2pkit.pubsub.MessageId;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Message IDs seen recently, each forgotten {@code ttl} after it was first added, with a hard cap
 * on the number held (the oldest go first). Not thread-safe: owned by the pubsub owner thread.
 */
public final class SeenCache {
    private final Clock clock;
    private final long ttlMillis;
    private final int capacity;
    private final LinkedHashMap<MessageId, Long> added = new LinkedHashMap<>();

    /** A cache forgetting after {@code ttl}, holding at most {@code capacity} IDs. */
    public SeenCache(Clock clock, Duration ttl, int capacity) {
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        this.capacity = capacity;
    }

    /** Adds {@code id}; returns false if it was already there (a duplicate). */
    public boolean add(MessageId id) {
        long now = clock.millis();
        expire(now);
        if (added.containsKey(id)) {
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
        expire(clock.millis());
        return added.containsKey(id);
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
        return "SeenCache[" + added.size() + " ids, ttl " + ttlMillis + " ms]";
    }
}
