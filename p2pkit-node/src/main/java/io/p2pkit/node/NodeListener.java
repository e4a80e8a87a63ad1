package io.p2pkit.node;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.network.Connection;
import io.p2pkit.kad.KadDht;
import io.p2pkit.nat.holepunch.HolePunchEvent;
import io.p2pkit.pubsub.PubsubMessage;

/**
 * What a {@link Node} tells as it runs, in the order things happen: {@link #beforeServing} and
 * {@link #ready} first, then connections, identify results, bootstrap outcomes and pubsub
 * messages as they come, and {@link #stopped} last. Called on the node's threads: return
 * quickly. Every method does nothing by default.
 */
public interface NodeListener {
    /**
     * The node's host, DHT and content are up, but its HTTP servers (RPC API, gateway) do not take
     * requests yet: what their first request must find (records put into the DHT's store, say)
     * goes in here. Called once, before {@link #ready}; an exception stops the start.
     */
    default void beforeServing(Node node) {
    }

    /** The node is up and listening; bootstrapping starts right after this returns. */
    default void ready(Node node) {
    }

    /** Something the operator should know, such as watermarks that do not fit the limits. */
    default void warning(String message) {
    }

    /** A connection is up. */
    default void connected(Connection connection) {
    }

    /** A connection closed. */
    default void disconnected(Connection connection) {
    }

    /**
     * A direct connection upgrade (DCUtR hole punching) with a peer ended: a direct connection
     * replaces the relayed one, or the node stays on the relay.
     */
    default void holePunch(HolePunchEvent event) {
    }

    /** A peer identified itself on a connection. */
    default void identified(IdentifyResult result) {
    }

    /** Connecting to a bootstrap peer failed. */
    default void bootstrapFailed(PeerInfo peer, Exception cause) {
    }

    /** The DHT finished its bootstrap, having reached {@code bootstrapPeers} of the bootstrap peers. */
    default void dhtBootstrapped(KadDht dht, int bootstrapPeers) {
    }

    /** The DHT's bootstrap failed. */
    default void dhtBootstrapFailed(Exception cause) {
    }

    /** A message arrived on a topic the configuration subscribed to. */
    default void message(PubsubMessage message) {
    }

    /** The node has stopped: everything it opened is closed. */
    /** mDNS found {@code peer} on the local network (or its addresses changed). */
    default void discovered(PeerInfo peer) {
    }

    default void stopped() {
    }
}
