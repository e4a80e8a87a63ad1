/**
 * NAT traversal: circuit relay v2 ({@code io.p2pkit.nat.relay}), hole punching through it (DCUtR,
 * {@code io.p2pkit.nat.holepunch}), AutoNAT v1 and v2
 * ({@code io.p2pkit.nat.autonat}) and port mapping on the default gateway through UPnP IGD or
 * NAT-PMP ({@code io.p2pkit.nat.portmap}).
 */
module io.p2pkit.nat {
    requires transitive io.p2pkit.core;

    // each package is exported once it has its public API (a package of only package-info
    // cannot be exported):
    exports io.p2pkit.nat.relay;
    exports io.p2pkit.nat.autonat;
    exports io.p2pkit.nat.holepunch;
    // exports io.p2pkit.nat.portmap;
}
