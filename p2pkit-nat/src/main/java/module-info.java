/**
 * NAT traversal: circuit relay v2 ({@code io.p2pkit.nat.relay}) and AutoRelay over it
 * ({@code io.p2pkit.nat.autorelay}), hole punching through it (DCUtR,
 * {@code io.p2pkit.nat.holepunch}), AutoNAT v1 and v2
 * ({@code io.p2pkit.nat.autonat}) and port mapping on the default gateway through UPnP IGD or
 * NAT-PMP ({@code io.p2pkit.nat.portmap}).
 */
module io.p2pkit.nat {
    requires transitive io.p2pkit.core;
    requires java.xml;       // UPnP device descriptions and SOAP (hardened parser)
    requires java.net.http;  // UPnP's HTTP

    exports io.p2pkit.nat.autonat;
    exports io.p2pkit.nat.autorelay;
    exports io.p2pkit.nat.holepunch;
    exports io.p2pkit.nat.portmap;
    exports io.p2pkit.nat.relay;
}
