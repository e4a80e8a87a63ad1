package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-address AutoNAT v2 results, judged as go-libp2p's address reachability tracker does: over
 * the last {@link #WINDOW} results for an address, it is reachable when successes outnumber
 * failures by {@link #MIN_CONFIDENCE} or more, unreachable when failures outnumber successes so,
 * and undecided otherwise. At most {@link #MAX_ADDRESSES} addresses are tracked (the oldest go).
 * Not thread-safe: its owner serialises calls.
 */
final class AddressVerdicts {
    /** go's {@code minConfidence}. */
    static final int MIN_CONFIDENCE = 2;
    /** go's {@code maxRecentDialsWindow} ({@code targetConfidence + 2}). */
    static final int WINDOW = 5;
    /** go's {@code maxTrackedAddrs}. */
    static final int MAX_ADDRESSES = 50;

    private final Map<Multiaddr, ArrayDeque<Boolean>> results = new LinkedHashMap<>();

    /** Records one server's result and returns the address's verdict after it. */
    Reachability record(Multiaddr address, boolean reachable) {
        ArrayDeque<Boolean> r = results.get(address);
        if (r == null) {
            if (results.size() >= MAX_ADDRESSES) {
                results.remove(results.keySet().iterator().next());
            }
            r = new ArrayDeque<>();
            results.put(address, r);
        }
        r.addLast(reachable);
        if (r.size() > WINDOW) {
            r.removeFirst();
        }
        return verdict(address);
    }

    /** The address's verdict: reachable, unreachable, or unknown when undecided or never checked. */
    Reachability verdict(Multiaddr address) {
        ArrayDeque<Boolean> r = results.get(address);
        if (r == null) {
            return Reachability.UNKNOWN;
        }
        long successes = r.stream().filter(b -> b).count();
        long confidence = successes - (r.size() - successes);
        if (confidence >= MIN_CONFIDENCE) {
            return Reachability.PUBLIC;
        }
        return confidence <= -MIN_CONFIDENCE ? Reachability.PRIVATE : Reachability.UNKNOWN;
    }

    /** How many results the address has in its window. */
    int results(Multiaddr address) {
        ArrayDeque<Boolean> r = results.get(address);
        return r == null ? 0 : r.size();
    }

    /** Drops every result of the address. */
    void forget(Multiaddr address) {
        results.remove(address);
    }

    /** Whether the address has any result yet. */
    boolean known(Multiaddr address) {
        return results.containsKey(address);
    }

    /** Every address with results, oldest first. */
    List<Multiaddr> tracked() {
        return List.copyOf(results.keySet());
    }

    /** Any address judged reachable. */
    Optional<Multiaddr> anyReachable() {
        return results.keySet().stream().filter(a -> verdict(a) == Reachability.PUBLIC).findFirst();
    }
}
