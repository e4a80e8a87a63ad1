package io.p2pkit.core.network.dial;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/** What dialing cares about in an address's shape: transport family, IP version, reach. */
final class AddressShape {
    private AddressShape() {
    }

    /** Relayed through a circuit relay. */
    static boolean isRelayed(Multiaddr a) {
        return a.hasProtocol(Protocol.P2P_CIRCUIT);
    }

    /** A QUIC address (not WebTransport, which runs over QUIC but is dialed like the slower transports). */
    static boolean isQuic(Multiaddr a) {
        return (a.hasProtocol(Protocol.QUIC_V1) || a.hasProtocol(Protocol.QUIC))
                && !a.hasProtocol(Protocol.WEBTRANSPORT) && !isRelayed(a);
    }

    /** Over UDP (QUIC, WebTransport, WebRTC direct): subject to the UDP black-hole detector. */
    static boolean isUdp(Multiaddr a) {
        return a.hasProtocol(Protocol.UDP) && !isRelayed(a);
    }

    /** An {@code /ip6} address: subject to the IPv6 black-hole detector. */
    static boolean isIp6(Multiaddr a) {
        return ip(a).map(ip -> ip instanceof Inet6Address).orElse(false) && !isRelayed(a);
    }

    /** Loopback, private (RFC 1918), link-local or unique-local (fc00::/7): worth only a short delay. */
    static boolean isPrivate(Multiaddr a) {
        return io.p2pkit.core.network.AddressScope.isLocal(a);
    }

    /** A public IP address (black-hole detection counts only these; private ones say nothing about the internet). */
    static boolean isPublicIp(Multiaddr a) {
        return ip(a).isPresent() && !isPrivate(a) && !isRelayed(a);
    }

    private static Optional<InetAddress> ip(Multiaddr a) {
        return a.toSocketAddress().map(java.net.InetSocketAddress::getAddress);
    }
}
