package io.p2pkit.discovery.rendezvous;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The limits of a rendezvous point. The defaults follow the spec's recommendations and
 * rust-libp2p: TTLs from 2 h to 72 h (2 h when the request names none), namespaces of at most
 * 255 bytes, pages of at most 1000 registrations.
 *
 * @param minTtl                       the shortest TTL accepted
 * @param maxTtl                       the longest TTL accepted
 * @param maxNamespaceLength           the longest namespace accepted, in UTF-8 bytes
 * @param maxRegistrationsPerPeer      how many namespaces one peer may be registered in
 * @param maxRegistrationsPerNamespace how many peers one namespace may hold
 * @param maxRegistrations             how many registrations the point holds in all
 * @param maxDiscoverLimit             the most registrations one discover answer carries; at most
 *                                     {@value RendezvousMessage#MAX_REGISTRATIONS}
 * @param requestTimeout               how long a stream may stay idle between requests before it is reset
 * @param clock                        the clock registrations expire by
 */
public record RendezvousConfig(Duration minTtl, Duration maxTtl, int maxNamespaceLength, int maxRegistrationsPerPeer,
        int maxRegistrationsPerNamespace, int maxRegistrations, int maxDiscoverLimit, Duration requestTimeout,
        InstantSource clock) {
    /** The TTL of a registration that names none (the spec's). */
    public static final Duration DEFAULT_TTL = Duration.ofHours(2);

    /** Checks the values. */
    public RendezvousConfig {
        Objects.requireNonNull(clock, "clock");
        if (minTtl.isNegative() || minTtl.isZero() || maxTtl.compareTo(minTtl) < 0) {
            throw new IllegalArgumentException("need 0 < minTtl <= maxTtl, got " + minTtl + " and " + maxTtl);
        }
        if (maxNamespaceLength < 1 || maxRegistrationsPerPeer < 1 || maxRegistrationsPerNamespace < 1
                || maxRegistrations < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxDiscoverLimit < 1 || maxDiscoverLimit > RendezvousMessage.MAX_REGISTRATIONS) {
            throw new IllegalArgumentException("maxDiscoverLimit must be 1.." + RendezvousMessage.MAX_REGISTRATIONS);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** The defaults. */
    public static RendezvousConfig defaults() {
        return new RendezvousConfig(Duration.ofHours(2), Duration.ofHours(72), 255, 1000, 1000, 10_000, 1000,
                Duration.ofSeconds(30), InstantSource.system());
    }

    /** With other TTL bounds. */
    public RendezvousConfig withTtl(Duration min, Duration max) {
        return new RendezvousConfig(min, max, maxNamespaceLength, maxRegistrationsPerPeer, maxRegistrationsPerNamespace,
                maxRegistrations, maxDiscoverLimit, requestTimeout, clock);
    }

    /** With other caps on registrations and discover pages. */
    public RendezvousConfig withCaps(int perPeer, int perNamespace, int total, int discoverLimit) {
        return new RendezvousConfig(minTtl, maxTtl, maxNamespaceLength, perPeer, perNamespace, total, discoverLimit,
                requestTimeout, clock);
    }

    /** With another namespace length cap. */
    public RendezvousConfig withMaxNamespaceLength(int bytes) {
        return new RendezvousConfig(minTtl, maxTtl, bytes, maxRegistrationsPerPeer, maxRegistrationsPerNamespace,
                maxRegistrations, maxDiscoverLimit, requestTimeout, clock);
    }

    /** With another clock, for tests. */
    public RendezvousConfig withClock(InstantSource clock) {
        return new RendezvousConfig(minTtl, maxTtl, maxNamespaceLength, maxRegistrationsPerPeer,
                maxRegistrationsPerNamespace, maxRegistrations, maxDiscoverLimit, requestTimeout, clock);
    }
}
