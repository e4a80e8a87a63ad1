package io.p2pkit.core.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How {@link PeerAuthorization} verifies and proves. Start from {@link #trusting(KeyTrust)}.
 *
 * @param trust        which proven keys the verifier accepts
 * @param validity     how long a challenge stays answerable (its expiry is sent with it)
 * @param maxValidity  the prover refuses challenges expiring further ahead than this (a verifier
 *                     asking for a long-lived signature is asking for a replayable one)
 * @param cacheTtl     how long a successful proof authorizes its connection for the protocol
 * @param maxCached    the most (connection, protocol) results kept; more are verified each time
 * @param maxPending   the most challenges in flight at once; more are refused
 * @param timeout      how long one challenge-response exchange may take
 * @param clock        the wall clock expiries are measured with
 * @param random       where nonces come from
 */
public record AuthConfig(KeyTrust trust, Duration validity, Duration maxValidity, Duration cacheTtl, int maxCached,
                         int maxPending, Duration timeout, InstantSource clock, SecureRandom random) {
    public AuthConfig {
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(maxValidity, "maxValidity");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        if (maxCached < 0 || maxPending < 1) {
            throw new IllegalArgumentException("maxCached must be at least 0 and maxPending at least 1");
        }
    }

    /**
     * Trusting what {@code trust} says: challenges valid 30 s (a prover signs none valid over
     * 5 minutes), results cached 5 minutes per connection (at most 4096), 1024 challenges in
     * flight, 10 s per exchange, the system clock and a {@link SecureRandom}.
     */
    public static AuthConfig trusting(KeyTrust trust) {
        return new AuthConfig(trust, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5), 4096, 1024,
                Duration.ofSeconds(10), InstantSource.system(), new SecureRandom());
    }

    /** With another clock (tests). */
    public AuthConfig withClock(InstantSource c) {
        return new AuthConfig(trust, validity, maxValidity, cacheTtl, maxCached, maxPending, timeout, c, random);
    }

    /** With another cache lifetime (zero: verify every stream). */
    public AuthConfig withCacheTtl(Duration ttl) {
        return new AuthConfig(trust, validity, maxValidity, ttl, maxCached, maxPending, timeout, clock, random);
    }

    /** With another challenge validity. */
    public AuthConfig withValidity(Duration v) {
        return new AuthConfig(trust, v, maxValidity, cacheTtl, maxCached, maxPending, timeout, clock, random);
    }
}
