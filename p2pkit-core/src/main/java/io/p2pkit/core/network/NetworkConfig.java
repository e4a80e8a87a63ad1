package io.p2pkit.core.network;

import java.time.Duration;

/**
 * Timeouts and limits of the network layer.
 *
 * @param dialTimeout      how long one address's TCP (or other transport) connect may take
 * @param upgradeTimeout   how long the security handshake may take; muxer negotiation gets as long
 * @param peerDialTimeout  how long dialing a peer may take over all its addresses
 * @param dialStagger      the step between public addresses in the dial ranking (250 ms, as go-libp2p)
 * @param maxParallelDials how many addresses of one peer are dialed at once
 * @param maxInboundUpgrades how many inbound connections may be in their handshake at once; more
 *                         are closed on arrival, so a flood of half-open connections stays bounded
 */
public record NetworkConfig(Duration dialTimeout, Duration upgradeTimeout, Duration peerDialTimeout,
                            Duration dialStagger, int maxParallelDials, int maxInboundUpgrades) {
    /**
     * go-libp2p-like defaults: 10 s connect, 15 s handshake, 60 s per peer, 250 ms stagger, 8 dials
     * in parallel, 256 inbound handshakes at once.
     */
    public static NetworkConfig defaults() {
        return new NetworkConfig(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(60),
                Duration.ofMillis(250), 8, 256);
    }
}
