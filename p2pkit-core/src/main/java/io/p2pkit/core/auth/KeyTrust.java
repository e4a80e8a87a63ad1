package io.p2pkit.core.auth;

import io.p2pkit.core.crypto.PublicKey;

import java.util.Collection;
import java.util.Set;

/**
 * Which proven keys a verifier accepts, per protocol: a fixed list of trusted keys, or a callback
 * (a lookup in the application's own registry).
 */
@FunctionalInterface
public interface KeyTrust {
    /** Whether {@code key}, whose holder has just proven it, may use {@code protocol}. */
    boolean trusts(PublicKey key, String protocol);

    /** Trusts exactly {@code keys}, for every protocol. */
    static KeyTrust keys(Collection<PublicKey> keys) {
        Set<PublicKey> trusted = Set.copyOf(keys);
        return (key, protocol) -> trusted.contains(key);
    }
}
