package io.p2pkit.core.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which (connection, protocol) pairs proved a trusted key, until when: bounded, and forgotten
 * when their connection closes.
 */
final class VerifiedConnections {
    private record Key(long connection, String protocol) {
    }

    private final Map<Key, Long> until = new ConcurrentHashMap<>();
    private final int max;

    VerifiedConnections(int max) {
        this.max = max;
    }

    boolean isVerified(long connection, String protocol, long nowMillis) {
        Long t = until.get(new Key(connection, protocol));
        return t != null && nowMillis < t;
    }

    void verified(long connection, String protocol, long untilMillis, long nowMillis) {
        if (until.size() >= max) {
            until.values().removeIf(t -> t <= nowMillis);
            if (until.size() >= max) {
                return; // full of live entries: verify again next time rather than grow
            }
        }
        until.put(new Key(connection, protocol), untilMillis);
    }

    void forget(long connection) {
        until.keySet().removeIf(k -> k.connection() == connection);
    }

    int size() {
        return until.size();
    }
}
