package io.p2pkit.core.network;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.net.InetAddress;

/**
 * Where an address reaches: this machine or a local network rather than the internet. Dialing
 * ranks local addresses first; Bitswap's broadcast control always asks peers on them.
 */
public final class AddressScope {
    private AddressScope() {
    }

    /**
     * Whether {@code a} is an IP address that is loopback, private (RFC 1918), link-local or
     * unique-local ({@code fc00::/7}); an address without an IP (a DNS name, a relay) is not.
     */
    public static boolean isLocal(Multiaddr a) {
        return a.toSocketAddress().map(s -> isLocal(s.getAddress())).orElse(false);
    }

    /** Whether {@code ip} is loopback, private, link-local or unique-local. */
    public static boolean isLocal(InetAddress ip) {
        return ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress()
                || (ip.getAddress().length == 16 && (ip.getAddress()[0] & 0xFE) == 0xFC);
    }
}
