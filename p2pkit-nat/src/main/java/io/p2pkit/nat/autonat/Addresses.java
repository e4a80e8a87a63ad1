package io.p2pkit.nat.autonat;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What AutoNAT asks of an address: its IP, whether it is public, whether it is relayed. Public
 * (only for {@link #isPublic(Multiaddr)}) because hole punching ({@code io.p2pkit.nat.holepunch})
 * asks the same question of the addresses it exchanges.
 */
public final class Addresses {
    private Addresses() {
    }

    /** The IP an {@code /ip4} or {@code /ip6} address starts with. */
    static Optional<InetAddress> ip(Multiaddr a) {
        if (a.isEmpty() || (a.component(0).protocol() != Protocol.IP4 && a.component(0).protocol() != Protocol.IP6)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(a.component(0).value()));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty(); // not 4 or 16 bytes: the multiaddr codec would not have let it through
        }
    }

    /** Through a circuit relay: says nothing about our own reachability, and the requester's IP is unknown. */
    static boolean isRelayed(Multiaddr a) {
        return a.hasProtocol(Protocol.P2P_CIRCUIT);
    }

    /**
     * An IP address routable on the internet: not unspecified, loopback, link-local, private
     * (RFC 1918, fc00::/7), shared (100.64.0.0/10, carrier-grade NAT) or multicast; and not relayed.
     */
    public static boolean isPublic(Multiaddr a) {
        return ip(a).map(Addresses::isPublic).orElse(false) && !isRelayed(a);
    }

    static boolean isPublic(InetAddress ip) {
        byte[] b = ip.getAddress();
        boolean sharedV4 = b.length == 4 && (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64;
        boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xFE) == 0xFC;
        return !(ip.isAnyLocalAddress() || ip.isLoopbackAddress() || ip.isLinkLocalAddress()
                || ip.isSiteLocalAddress() || ip.isMulticastAddress() || sharedV4 || uniqueLocalV6);
    }

    /** Whether both addresses start with the same IP. */
    static boolean sameIp(Multiaddr a, Multiaddr b) {
        Optional<InetAddress> x = ip(a);
        return x.isPresent() && x.equals(ip(b));
    }

    /** The socket address of an address that has one, for logs. */
    static String describe(Multiaddr a) {
        return a.toSocketAddress().map(InetSocketAddress::toString).orElse(a.toString());
    }
}
