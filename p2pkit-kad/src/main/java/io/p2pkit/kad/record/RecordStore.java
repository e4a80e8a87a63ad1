package io.p2pkit.kad.record;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value records this node holds for others, each kept {@code expiry} after it was received,
 * at most {@code maxRecords} of them. Records are validated before they get here.
 */
public final class RecordStore {
    /** A held record and when it arrived. */
    public record Stored(byte[] value, Instant received) {
        /** Copies the value. */
        public Stored {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private final ConcurrentHashMap<Key, Stored> records = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration expiry;
    private final int maxRecords;

    /** A store whose records live {@code expiry}. */
    public RecordStore(Clock clock, Duration expiry, int maxRecords) {
        this.clock = clock;
        this.expiry = expiry;
        this.maxRecords = maxRecords;
    }

    /** The unexpired record under {@code key}. */
    public Optional<Stored> get(byte[] key) {
        Stored s = records.get(new Key(key));
        if (s == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(s.received().plus(expiry))) {
            records.remove(new Key(key), s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /**
     * Stores {@code value} under {@code key}, replacing what is there.
     *
     * @return false if the store is full and the key is new
     */
    public boolean put(byte[] key, byte[] value) {
        Key k = new Key(key.clone());
        if (!records.containsKey(k) && records.size() >= maxRecords) {
            collectGarbage();
            if (records.size() >= maxRecords) {
                return false;
            }
        }
        records.put(k, new Stored(value, clock.instant()));
        return true;
    }

    /** Drops expired records. */
    public void collectGarbage() {
        Instant now = clock.instant();
        records.values().removeIf(s -> !now.isBefore(s.received().plus(expiry)));
    }

    /** The number of records held. */
    public int size() {
        return records.size();
    }
}
