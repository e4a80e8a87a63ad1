package io.p2pkit.core.auth;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nonces a verifier has sent and not yet seen answered, each usable once and only until its
 * expiry: an answer to a nonce we never sent, or sent and already used, is a replay. Bounded.
 */
final class PendingNonces {
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final int max;

    PendingNonces(int max) {
        this.max = max;
    }

    /** Remembers {@code nonce} until {@code expiresMillis}; false when too many are pending. */
    boolean issue(byte[] nonce, long expiresMillis, long nowMillis) {
        if (pending.size() >= max) {
            pending.values().removeIf(expiry -> expiry < nowMillis);
            if (pending.size() >= max) {
                return false;
            }
        }
        pending.put(HexFormat.of().formatHex(nonce), expiresMillis);
        return true;
    }

    /** Whether {@code nonce} was issued and not used yet; it is used from now on. */
    boolean consume(byte[] nonce) {
        return pending.remove(HexFormat.of().formatHex(nonce)) != null;
    }

    /** Forgets {@code nonce} (its exchange failed). */
    void drop(byte[] nonce) {
        pending.remove(HexFormat.of().formatHex(nonce));
    }

    int size() {
        return pending.size();
    }
}
