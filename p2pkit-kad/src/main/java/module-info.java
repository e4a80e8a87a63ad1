/**
 * The Kademlia DHT ({@code /ipfs/kad/1.0.0}): {@code KadDht} attached to a host, its config and
 * results, the record validators, and the routing table, provider store and lookup results it
 * exposes. The wire format ({@code io.p2pkit.kad.wire}) is internal.
 */
module io.p2pkit.kad {
    requires transitive io.p2pkit.core;

    exports io.p2pkit.kad;
    exports io.p2pkit.kad.provider;
    exports io.p2pkit.kad.query;
    exports io.p2pkit.kad.record;
    exports io.p2pkit.kad.routing;
}
