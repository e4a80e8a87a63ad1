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
 */
public record AutoRelayConfig(List<PeerInfo> staticRelays, int numRelays, int minCandidates, int maxCandidates,
                              Duration bootDelay, Duration backoff, Duration checkInterval) {
    public AutoRelayConfig {
        staticRelays = List.copyOf(staticRelays);
        if (numRelays < 1 || minCandidates < 0 || maxCandidates < 1) {
            throw new IllegalArgumentException("numRelays and maxCandidates must be positive, minCandidates not negative");
        }
        Objects.requireNonNull(bootDelay, "bootDelay");
        Objects.requireNonNull(backoff, "backoff");
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("checkInterval must be positive");
        }
    }

    /** go-libp2p's defaults, with relays found among connected peers. */
    public static AutoRelayConfig defaults() {
        return new AutoRelayConfig(List.of(), 2, 4, 20, Duration.ofMinutes(3), Duration.ofHours(1), Duration.ofSeconds(30));
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
            return new AutoRelayConfig(List.of(), numRelays, minCandidates, maxCandidates, bootDelay, backoff, checkInterval);
        }
        return new AutoRelayConfig(infos, infos.size(), infos.size(), infos.size(), bootDelay, backoff, checkInterval);
    }

    /** Holds reservations with {@code n} relays. */
    public AutoRelayConfig withNumRelays(int n) {
        return new AutoRelayConfig(staticRelays, n, minCandidates, maxCandidates, bootDelay, backoff, checkInterval);
    }

    /** Waits {@code delay} for {@link #minCandidates()} candidates before reserving with fewer. */
    public AutoRelayConfig withBootDelay(Duration delay) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, delay, backoff, checkInterval);
    }

    /** Leaves a relay that refused alone for {@code d}. */
    public AutoRelayConfig withBackoff(Duration d) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, bootDelay, d, checkInterval);
    }

    /** Looks at the candidates again every {@code d} even without an event. */
    public AutoRelayConfig withCheckInterval(Duration d) {
        return new AutoRelayConfig(staticRelays, numRelays, minCandidates, maxCandidates, bootDelay, backoff, d);
    }
}
