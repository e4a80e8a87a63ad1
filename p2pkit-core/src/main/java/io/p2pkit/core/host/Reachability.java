package io.p2pkit.core.host;

/**
 * Whether other peers can dial this node, as AutoNAT found (go-libp2p's
 * {@code network.Reachability}).
 */
public enum Reachability {
    /** Not known yet, or the evidence is mixed. */
    UNKNOWN,
    /** Other peers can dial this node on at least one address. */
    PUBLIC,
    /** Other peers cannot dial this node: it is behind a NAT or a firewall. */
    PRIVATE
}
