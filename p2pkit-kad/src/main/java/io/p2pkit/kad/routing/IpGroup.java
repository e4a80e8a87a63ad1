package io.p2pkit.kad.routing;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The network group of an address for the routing table's diversity limit: the /16 of a public
 * IPv4 address, the /32 of a public IPv6 address. Private, loopback and link-local addresses and
 * non-IP addresses have no group (no limit), as in go-libp2p's peer diversity filter, so that a
 * LAN or a test network is not throttled.
 */
public final class IpGroup {
    private IpGroup() {
    }

    /** The group of {@code address}, if it is a public IP address. */
    public static Optional<String> of(Multiaddr address) {
        var sa = address.toSocketAddress();
        if (sa.isEmpty() || sa.get().getAddress() == null) {
            return Optional.empty();
        }
        InetAddress ip = sa.get().getAddress();
        if (ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress()
                || ip.isMulticastAddress() || isUniqueLocal(ip)) {
            return Optional.empty();
        }
        byte[] b = ip.getAddress();
        if (ip instanceof Inet4Address) {
            return Optional.of("ip4:" + (b[0] & 0xFF) + "." + (b[1] & 0xFF));
        }
        return Optional.of(String.format("ip6:%02x%02x:%02x%02x", b[0], b[1], b[2], b[3]));
    }

    private static boolean isUniqueLocal(InetAddress ip) {
        return !(ip instanceof Inet4Address) && (ip.getAddress()[0] & 0xFE) == 0xFC;
    }
}
