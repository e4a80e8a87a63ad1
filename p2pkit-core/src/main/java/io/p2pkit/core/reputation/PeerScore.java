package io.p2pkit.core.reputation;

import io.p2pkit.core.identity.PeerId;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A peer's reputation now, with its evidence decayed to the present.
 *
 * @param peer       the peer
 * @param score      in (-1, 1); 0 for a peer nothing is known of
 * @param good       decayed good evidence (weighted successes)
 * @param bad        decayed bad evidence (weighted failures)
 * @param latency    the decayed mean latency of its answers, if any was measured
 * @param throughput the decayed mean throughput of its transfers in bytes per second, if any was measured
 */
public record PeerScore(PeerId peer, double score, double good, double bad, Optional<Duration> latency,
                        OptionalDouble throughput) {
}
