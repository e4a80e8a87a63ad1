package io.p2pkit.core.network.dial;

import java.time.Duration;

/**
 * Settings of the {@link DialPolicy}.
 *
 * @param addressBackoffBase    first back-off of a failed address (go: 5 s)
 * @param addressBackoffStep    grows by this times the square of the failures in a row (go: 1 s)
 * @param peerBackoffBase       first back-off of a peer whose whole dial failed
 * @param peerBackoffStep       its growth step
 * @param backoffMax            no back-off is longer (go: 5 min)
 * @param backoffJitter         back-offs are stretched by a random fraction up to this
 * @param breakerThreshold      failed dials of a peer in a row that open its circuit breaker
 * @param breakerCoolDown       how long an open breaker refuses before letting a probe through
 * @param blackHoleWindow       outcomes kept by the UDP and IPv6 black-hole detectors (go: 100)
 * @param blackHoleMinSuccesses successes in a full window that keep them open (go: 5)
 * @param maxConcurrentDials    address dials in progress at once over all peers (go: 160)
 * @param maxTrackedPeers       peers whose back-off and breaker state is remembered
 */
public record DialPolicyConfig(Duration addressBackoffBase, Duration addressBackoffStep, Duration peerBackoffBase,
                               Duration peerBackoffStep, Duration backoffMax, double backoffJitter,
                               int breakerThreshold, Duration breakerCoolDown, int blackHoleWindow,
                               int blackHoleMinSuccesses, int maxConcurrentDials, int maxTrackedPeers) {
    public DialPolicyConfig {
        if (backoffJitter < 0 || maxConcurrentDials <= 0 || maxTrackedPeers <= 0 || breakerThreshold <= 0) {
            throw new IllegalArgumentException("jitter must be >= 0 and the caps positive");
        }
    }

    /**
     * The defaults: go-libp2p's address back-off (5 s + 1 s·n², at most 5 min) with 20 % jitter; a
     * peer back-off of 1 s + 1 s·n²; the breaker opens after 5 failed dials for 1 min; black-hole
     * window 100 with 5 successes; 160 concurrent address dials; 10,000 peers remembered.
     */
    public static DialPolicyConfig defaults() {
        return new DialPolicyConfig(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2, 5, Duration.ofMinutes(1), 100, 5, 160, 10_000);
    }
}
