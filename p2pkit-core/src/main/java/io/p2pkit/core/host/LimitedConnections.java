package io.p2pkit.core.host;

/**
 * Whether a protocol may run on a limited connection (a relayed one whose relay caps its duration
 * and data, see {@link io.p2pkit.core.network.Connection#limit()}). Protocols refuse by default,
 * as in go-libp2p ({@code network.WithAllowLimitedConn}) and js-libp2p
 * ({@code runOnLimitedConnection}): only small control protocols (identify, ping, hole punching)
 * should opt in, so that bulk traffic never eats a relay's budget.
 */
public enum LimitedConnections {
    /** The default: inbound streams are refused as an unsupported protocol; outbound ones need a direct connection. */
    REFUSE,
    /** The protocol runs on limited connections too. */
    ALLOW
}
