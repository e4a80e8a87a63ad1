package io.p2pkit.websocket;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * A WebSocket multiaddr taken apart: {@code /ip4|ip6|dns|dns4|dns6/HOST/tcp/PORT} followed by
 * {@code /ws}, {@code /wss}, {@code /tls/ws} or {@code /tls/sni/NAME/ws}.
 *
 * @param host     the address or name of the first component
 * @param hostKind {@link Protocol#IP4}, {@link Protocol#IP6}, {@link Protocol#DNS}, {@link Protocol#DNS4} or {@link Protocol#DNS6}
 * @param literal  the socket address when the host is an IP address, else null
 * @param port     the TCP port
 * @param secure   whether TLS runs under the WebSocket (wss)
 * @param sni      the server name for TLS (from {@code /sni}, else the DNS name), or null
 * @param suffix   the part after the TCP port, as written (for example {@code /tls/ws})
 */
record WsAddress(String host, Protocol hostKind, InetSocketAddress literal, int port, boolean secure, String sni, Multiaddr suffix) {
    /** Parses {@code address} (without a {@code /p2p} component), or empty if it is not a WebSocket address. */
    static Optional<WsAddress> parse(Multiaddr address) {
        List<Protocol> p = address.protocols();
        if (p.size() < 3) {
            return Optional.empty();
        }
        Protocol kind = p.get(0);
        boolean ip = kind == Protocol.IP4 || kind == Protocol.IP6;
        boolean dns = kind == Protocol.DNS || kind == Protocol.DNS4 || kind == Protocol.DNS6;
        if (!(ip || dns) || p.get(1) != Protocol.TCP) {
            return Optional.empty();
        }
        List<Protocol> rest = p.subList(2, p.size());
        boolean secure;
        String sni = dns ? address.component(0).valueString() : null;
        if (rest.equals(List.of(Protocol.WS))) {
            secure = false;
        } else if (rest.equals(List.of(Protocol.WSS)) || rest.equals(List.of(Protocol.TLS, Protocol.WS))) {
            secure = true;
        } else if (rest.equals(List.of(Protocol.TLS, Protocol.SNI, Protocol.WS))) {
            secure = true;
            sni = address.component(3).valueString();
        } else {
            return Optional.empty();
        }
        int port = Integer.parseInt(address.component(1).valueString());
        StringBuilder suffix = new StringBuilder();
        for (int i = 2; i < p.size(); i++) {
            suffix.append(address.component(i));
        }
        InetSocketAddress literal = ip ? address.toSocketAddress().orElse(null) : null;
        if (ip && literal == null) {
            return Optional.empty();
        }
        return Optional.of(new WsAddress(address.component(0).valueString(), kind, literal, port, secure, sni,
                Multiaddr.parse(suffix.toString())));
    }

    /** The socket address to connect to; names are looked up with the system resolver. */
    InetSocketAddress resolve() throws UnknownHostException {
        if (literal != null) {
            return literal;
        }
        for (InetAddress a : InetAddress.getAllByName(host)) {
            boolean v4 = a instanceof java.net.Inet4Address;
            if (hostKind == Protocol.DNS || (hostKind == Protocol.DNS4) == v4) {
                return new InetSocketAddress(a, port);
            }
        }
        throw new UnknownHostException("no " + (hostKind == Protocol.DNS4 ? "IPv4" : "IPv6") + " address for " + host);
    }

    /** The {@code Host} header: the name (or bracketed IPv6 literal) and the port. */
    String hostHeader() {
        String h = sni != null ? sni : host;
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }

    /** The suffix that connection addresses carry: as written, but without the {@code /sni} part. */
    Multiaddr connectionSuffix() {
        return secure ? Multiaddr.parse("/tls/ws") : Multiaddr.parse("/ws");
    }
}
