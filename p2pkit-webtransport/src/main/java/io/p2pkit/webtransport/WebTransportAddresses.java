package io.p2pkit.webtransport;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** Converts between {@code /ip4|ip6/A/udp/P/quic-v1/webtransport[/certhash/…]} and socket addresses. */
final class WebTransportAddresses {
    private WebTransportAddresses() {
    }

    /** Whether {@code a} is {@code /ip4|ip6/A/udp/P/quic-v1/webtransport}, with any certhashes after it. */
    static boolean isWebTransport(Multiaddr a) {
        List<Protocol> p = a.protocols();
        if (p.size() < 4 || p.get(0) != Protocol.IP4 && p.get(0) != Protocol.IP6 || p.get(1) != Protocol.UDP
                || p.get(2) != Protocol.QUIC_V1 || p.get(3) != Protocol.WEBTRANSPORT) {
            return false;
        }
        for (int i = 4; i < p.size(); i++) {
            if (p.get(i) != Protocol.CERTHASH) {
                return false;
            }
        }
        return true;
    }

    static InetSocketAddress socketAddress(Multiaddr a) throws IOException {
        if (!isWebTransport(a)) {
            throw new IOException("not a WebTransport address: " + a);
        }
        return a.toSocketAddress().orElseThrow(() -> new IOException("no socket address in " + a));
    }

    static Multiaddr multiaddr(InetSocketAddress address) {
        return Multiaddr.of(address, "udp").encapsulate("/quic-v1/webtransport");
    }
}
