package io.p2pkit.quic;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** Converts between {@code /ip4|ip6/A/udp/P/quic-v1} multiaddrs and socket addresses. */
final class QuicAddresses {
    private QuicAddresses() {
    }

    /** Whether {@code a} is exactly {@code /ip4|ip6/A/udp/P/quic-v1}. */
    static boolean isQuicV1(Multiaddr a) {
        List<Protocol> p = a.protocols();
        return p.size() == 3 && (p.get(0) == Protocol.IP4 || p.get(0) == Protocol.IP6) && p.get(1) == Protocol.UDP
                && p.get(2) == Protocol.QUIC_V1;
    }

    static InetSocketAddress socketAddress(Multiaddr a) throws IOException {
        if (!isQuicV1(a)) {
            throw new IOException("not a QUIC v1 address: " + a);
        }
        return a.toSocketAddress().orElseThrow(() -> new IOException("no socket address in " + a));
    }

    static Multiaddr multiaddr(InetSocketAddress address) {
        return Multiaddr.of(address, "udp").encapsulate("/quic-v1");
    }
}
