package io.p2pkit.core.cache;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What verifying a byte string gave, remembered by those exact bytes. A peer presents the same
 * bytes on every connection (its signed Noise static key, its signed peer record, its TLS
 * certificate), so verifying them again would spend a signature check on a known answer.
 *
 * <p>Only what verified goes in, and only a value that depends on nothing but the bytes: the
 * caller checks anything else (a validity period, the peer it expected) on every use. A
 * remembered value so answers exactly as verifying again would. At most {@code capacity} entries;
 * the least recently used leave first. Thread-safe.
 *
 * @param <V> what the verification gave
 */
public final class RecentlyVerified<V> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ByteBuffer, V> entries;

    /** @param capacity how many entries are kept; 0 keeps none */
    public RecentlyVerified(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value remembered for exactly {@code bytes}, or null. */
    public V get(byte[] bytes) {
        ByteBuffer key = ByteBuffer.wrap(bytes);
        lock.lock();
        try {
            return entries.get(key);
        } finally {
            lock.unlock();
        }
    }

    /** Remembers {@code value}, verified from {@code bytes}; the caller must not change {@code bytes} afterwards. */
    public void put(byte[] bytes, V value) {
        ByteBuffer key = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        lock.lock();
        try {
            entries.put(key, value);
        } finally {
            lock.unlock();
        }
    }

    /** How many entries are kept. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
