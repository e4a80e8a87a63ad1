package io.p2pkit.nat.holepunch;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.nat.autonat.Addresses;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * How hole punching runs. The defaults are go-libp2p's ({@code p2p/protocol/holepunch}).
 *
 * @param maxAttempts       hole punching attempts before giving up (go: 3; the spec: the initiator
 *                          retries twice)
 * @param dialTimeout       how long one direct dial or hole punch may take (go's
 *                          {@code DirectDialTimeout}, 10 s)
 * @param streamTimeout     how long the message exchange of one attempt may take (go: 1 minute)
 * @param directDialFirst   whether the initiator first dials the peer's public addresses plainly,
 *                          when identify gave some (the spec's "unilateral connection upgrade")
 * @param relayedCloseGrace how long the relayed connection lives on once a direct one exists, so
 *                          that streams already on it can finish (the spec's grace period)
 * @param addressFilter     which addresses, ours and the peer's, are worth exchanging and dialing:
 *                          public ones by default (private and loopback ones only in tests)
 * @param nanoClock         the clock the RTT is measured with, in nanoseconds
 */
public record HolePunchConfig(int maxAttempts, Duration dialTimeout, Duration streamTimeout, boolean directDialFirst,
                              Duration relayedCloseGrace, Predicate<Multiaddr> addressFilter, LongSupplier nanoClock) {
    public HolePunchConfig {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        Objects.requireNonNull(streamTimeout, "streamTimeout");
        Objects.requireNonNull(relayedCloseGrace, "relayedCloseGrace");
        Objects.requireNonNull(addressFilter, "addressFilter");
        Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** go-libp2p's: 3 attempts, 10 s per dial, 1 minute per exchange, a direct dial first; public addresses; 5 s of grace. */
    public static HolePunchConfig defaults() {
        return new HolePunchConfig(3, Duration.ofSeconds(10), Duration.ofMinutes(1), true, Duration.ofSeconds(5),
                Addresses::isPublic, System::nanoTime);
    }

    /** With another address filter (tests on loopback accept every address). */
    public HolePunchConfig withAddressFilter(Predicate<Multiaddr> filter) {
        return new HolePunchConfig(maxAttempts, dialTimeout, streamTimeout, directDialFirst, relayedCloseGrace, filter,
                nanoClock);
    }

    /** With or without the plain direct dial before hole punching. */
    public HolePunchConfig withDirectDialFirst(boolean on) {
        return new HolePunchConfig(maxAttempts, dialTimeout, streamTimeout, on, relayedCloseGrace, addressFilter,
                nanoClock);
    }

    /** With another grace period before the relayed connection is closed. */
    public HolePunchConfig withRelayedCloseGrace(Duration grace) {
        return new HolePunchConfig(maxAttempts, dialTimeout, streamTimeout, directDialFirst, grace, addressFilter,
                nanoClock);
    }

    /** With another timeout for one direct dial or hole punch. */
    public HolePunchConfig withDialTimeout(Duration timeout) {
        return new HolePunchConfig(maxAttempts, timeout, streamTimeout, directDialFirst, relayedCloseGrace,
                addressFilter, nanoClock);
    }
}
