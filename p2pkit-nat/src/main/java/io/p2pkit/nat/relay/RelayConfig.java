package io.p2pkit.nat.relay;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.ConnectionLimit;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The relay service's settings; {@link #defaults()} are go-libp2p's ({@code DefaultResources}).
 * Change one with the {@code with…} methods.
 *
 * @param reservationTtl          how long a new or renewed reservation lasts (1 h)
 * @param maxReservations         active reservations in all (128)
 * @param maxReservationsPerIp    active reservations from one IP address (8)
 * @param maxCircuits             relayed connections open at once from or to one peer (16)
 * @param bufferBytes             the copy buffer of each direction of a relayed connection (2048)
 * @param limit                   what each relayed connection may use (2 min and 128 KiB each way);
 *                                empty for unlimited relaying, which marks no connection limited
 * @param acl                     who may reserve and connect (everyone)
 * @param reservationAddresses    which of the relay's own addresses go into a reservation (all;
 *                                go-libp2p sends only public ones, but rust-libp2p clients refuse a
 *                                reservation without any, so a relay tested on loopback must send them)
 * @param clock                   the wall clock reservations expire by
 * @param maxReservationsPerAsn   active reservations from one autonomous system (32), for addresses
 *                                whose ASN the table knows
 * @param asnTable                which ASN an address belongs to (empty: none, so only the per-IP
 *                                limit applies; go-libp2p knows IPv6 ones from an embedded table)
 */
public record RelayConfig(Duration reservationTtl, int maxReservations, int maxReservationsPerIp, int maxCircuits,
                          int bufferBytes, Optional<ConnectionLimit> limit, RelayAcl acl,
                          Predicate<Multiaddr> reservationAddresses, InstantSource clock, int maxReservationsPerAsn,
                          AsnTable asnTable) {
    /** go-libp2p's default limit of a relayed connection: 2 minutes, 128 KiB each way. */
    public static final ConnectionLimit DEFAULT_LIMIT = new ConnectionLimit(Duration.ofMinutes(2), 128 * 1024);

    public RelayConfig {
        Objects.requireNonNull(reservationTtl, "reservationTtl");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(acl, "acl");
        Objects.requireNonNull(reservationAddresses, "reservationAddresses");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(asnTable, "asnTable");
        if (reservationTtl.toSeconds() < 1 || maxReservations < 1 || maxReservationsPerIp < 1 || maxCircuits < 1
                || bufferBytes < 1 || maxReservationsPerAsn < 1) {
            throw new IllegalArgumentException("relay limits must be positive (a TTL of at least a second)");
        }
    }

    /** go-libp2p's defaults. */
    public static RelayConfig defaults() {
        return new RelayConfig(Duration.ofHours(1), 128, 8, 16, 2048, Optional.of(DEFAULT_LIMIT),
                RelayAcl.allowAll(), a -> true, InstantSource.system(), 32, AsnTable.empty());
    }

    /** With another reservation lifetime. */
    public RelayConfig withReservationTtl(Duration ttl) {
        return new RelayConfig(ttl, maxReservations, maxReservationsPerIp, maxCircuits, bufferBytes, limit, acl,
                reservationAddresses, clock, maxReservationsPerAsn, asnTable);
    }

    /** With other reservation counts: in all, and from one IP address. */
    public RelayConfig withMaxReservations(int total, int perIp) {
        return new RelayConfig(reservationTtl, total, perIp, maxCircuits, bufferBytes, limit, acl,
                reservationAddresses, clock, maxReservationsPerAsn, asnTable);
    }

    /** With another count of relayed connections per peer. */
    public RelayConfig withMaxCircuits(int perPeer) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, perPeer, bufferBytes, limit, acl,
                reservationAddresses, clock, maxReservationsPerAsn, asnTable);
    }

    /** With another limit per relayed connection, or none (unlimited relaying) for an empty one. */
    public RelayConfig withLimit(Optional<ConnectionLimit> perConnection) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, bufferBytes,
                perConnection, acl, reservationAddresses, clock, maxReservationsPerAsn, asnTable);
    }

    /** With an access control list. */
    public RelayConfig withAcl(RelayAcl rules) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, bufferBytes, limit,
                rules, reservationAddresses, clock, maxReservationsPerAsn, asnTable);
    }

    /** With a filter on the relay addresses put into reservations. */
    public RelayConfig withReservationAddresses(Predicate<Multiaddr> filter) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, bufferBytes, limit,
                acl, filter, clock, maxReservationsPerAsn, asnTable);
    }

    /**
     * With a per-ASN reservation limit: at most {@code perAsn} live reservations from addresses that
     * {@code table} places in one autonomous system (go-libp2p's {@code MaxReservationsPerASN}).
     */
    public RelayConfig withMaxReservationsPerAsn(int perAsn, AsnTable table) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, bufferBytes, limit,
                acl, reservationAddresses, clock, perAsn, table);
    }

    /** With another wall clock (tests). */
    public RelayConfig withClock(InstantSource wallClock) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, bufferBytes, limit,
                acl, reservationAddresses, wallClock, maxReservationsPerAsn, asnTable);
    }
}
