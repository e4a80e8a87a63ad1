/**
 * Direct Connection Upgrade through Relay ({@code /libp2p/dcutr}): two peers joined by a relayed
 * connection synchronise over it and open a direct connection through their NATs (hole punching).
 * Start it with {@link io.p2pkit.nat.holepunch.HolePunchService#attach}.
 */
package io.p2pkit.nat.holepunch;
