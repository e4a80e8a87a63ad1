package io.p2pkit.nat.autorelay;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link AutoRelay} picks and keeps relays; go-libp2p's {@code autorelay} options and defaults.
 *
 * @param staticRelays  relays to use, each {@code <address>/p2p/<relay>} (several addresses of one
 *                      relay are merged); when there are some, only they are used (go's
 *                      {@code WithStaticRelays}), also while reachability is still unknown
 * @param numRelays     how many relays to hold reservations with (go's {@code WithNumRelays}, 2)
 * @param minCandidates during the boot delay, how many candidates to wait for before the first
 *                      reservation (go, 4)
 * @param maxCandidates most connected relay-capable peers remembered as candidates (go, 20)
 * @param bootDelay     how long after start to wait for {@code minCandidates} before reserving with
 *                      fewer (go, 3 minutes); static relays are not waited for
 * @param backoff       how long a relay that refused or could not be reached is left alone (go, 1 hour)
 * @param checkInterval how often the candidates are looked at again without any event (go's
 *                      peer source interval, 30 s)
 * @param maxCandidateAge how long a candidate stays one before it must be found again (go's
 *                      {@code WithMaxCandidateAge}, 30 min)
 * @param minInterval   the least time between two searches of the connected peers for candidates
 *                      (go's {@code WithMinInterval}, 30 s); identify still adds a new one at once,
 *                      but not one that aged out while connected
 */
public record AutoRelayConfig(List<PeerInfo> staticRelays, int numRelays, int minCandidates, int maxCandidates,
                              Duration bootDelay, Duration backoff, Duration checkInterval, Duration maxCandidateAge,
                              Duration minInterval) {
    public AutoRelayConfig {
        staticRelays = List.copyOf(staticRelays);
        if (numRelays < 1 || minCandidates < 0 || maxCandidates < 1) {
            throw new IllegalArgumentException("numRelays and maxCandidates must be positive, minCandidates not negative");
        }
        Objects.requireNonNull(bootDelay, "bootDelay");
        Objects.requireNonNull(backoff, "backoff");
        if (checkInterval.isNegative() || checkInterval.isZero() || maxCandidateAge.isNegative()
                || maxCandidateAge.isZero() || minInterval.isNegative()) {
            throw new IllegalArgumentException("checkInterval and maxCandidateAge must be positive, minInterval not negative");
        }
    }

    /** go-libp2p's defaults, with relays found among connected peers. */
    public static AutoRelayConfig defaults() {
        return new AutoRelayConfig(List.of(), 2, 4, 20, Duration.ofMinutes(3), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofMinutes(30), Duration.ofSeconds(30));
    }

    /**
     * Uses only these relays ({@code <address>/p2p/<relay>} each), as go's {@code WithStaticRelays}:
     * the number of relays and of candidates become the number of distinct relays given.
     */
    public AutoRelayConfig withStaticRelays(List<Multiaddr> relays) {
        Map<PeerId, List<Multiaddr>> byPeer = new LinkedHashMap<>();
        for (Multiaddr a : relays) {
            PeerInfo p = PeerInfo.fromMultiaddr(a);
            byPeer.computeIfAbsent(p.peerId(), k -> new ArrayList<>()).addAll(p.addresses());
        }
        List<PeerInfo> infos = new ArrayList<>();
        byPeer.forEach((id, addrs) -> infos.add(new PeerInfo(id, addrs)));
        if (infos.isEmpty()) {
            return new AutoRelayConfig(List.of(), numRelays, minCandidates, maxCandidates, bootDelay, backoff, checkInterval, maxCandidateAge, minInterval);
        }
        return new AutoRelayConfig(infos, infos.size(), infos.size(), infos.size(), bootDelay, backoff, checkInterval, maxCandidateAge, minInterval);
    }

    /** Holds reservations with {@code n} relays. */
    public AutoRelayConfig withNumRelays(int n) {
        return new AutoRelayConfig(staticRelays, n, minCandidates, maxCandidates, bootDelay, backoff, checkInterval, maxCandidateAge, minInterval);
    }

    /** Waits {@code delay} for {@link #minCandidates()} candidates before reserving with fewer. */
    public AutoRelayConfig withBootDelay(Duration delay) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, delay, backoff, checkInterval, maxCandidateAge, minInterval);
    }

    /** Leaves a relay that refused alone for {@code d}. */
    public AutoRelayConfig withBackoff(Duration d) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, bootDelay, d, checkInterval, maxCandidateAge, minInterval);
    }

    /** Drops a candidate {@code age} after it was found, until it is found again. */
    public AutoRelayConfig withMaxCandidateAge(Duration age) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, bootDelay, backoff,
                checkInterval, age, minInterval);
    }

    /** Searches the connected peers for candidates at most once per {@code interval}. */
    public AutoRelayConfig withMinInterval(Duration interval) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, bootDelay, backoff,
                checkInterval, maxCandidateAge, interval);
    }

    /** Looks at the candidates again every {@code d} even without an event. */
    public AutoRelayConfig withCheckInterval(Duration d) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, bootDelay, backoff, d, maxCandidateAge, minInterval);
    }
}
