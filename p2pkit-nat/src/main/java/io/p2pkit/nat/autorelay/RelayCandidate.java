package io.p2pkit.nat.autorelay;

import io.p2pkit.core.identity.PeerId;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A connected peer offering the relay hop protocol that AutoRelay may reserve with.
 *
 * @param peer  the relay
 * @param added when it became a candidate (it stops being one {@link AutoRelayConfig#maxCandidateAge()} later)
 * @param rtt   the round-trip time of one ping over its direct connection, once measured
 */
public record RelayCandidate(PeerId peer, Instant added, Optional<Duration> rtt) {
    /**
     * The order candidates are tried in: the lowest measured RTT first (go picks at random and
     * leaves ranking by latency as a to-do), those not measured yet after, then the longest known
     * first; the peer ID breaks ties so that the order is stable.
     */
    public static final Comparator<RelayCandidate> RANKING = Comparator
            .comparing((RelayCandidate c) -> c.rtt().orElse(null), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(RelayCandidate::added)
            .thenComparing(c -> c.peer().toString());

    public RelayCandidate {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(added, "added");
        Objects.requireNonNull(rtt, "rtt");
    }

    /** This candidate with its RTT measured. */
    RelayCandidate withRtt(Duration measured) {
        return new RelayCandidate(peer, added, Optional.of(measured));
    }
}
