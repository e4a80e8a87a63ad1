/**
 * Peer discovery: mDNS on the local network ({@code io.p2pkit.discovery.mdns}) and rendezvous
 * points ({@code io.p2pkit.discovery.rendezvous}).
 */
module io.p2pkit.discovery {
    requires transitive io.p2pkit.core;
    requires com.h2database.mvstore;    // rendezvous registrations

    exports io.p2pkit.discovery.mdns;
    exports io.p2pkit.discovery.rendezvous;
}
