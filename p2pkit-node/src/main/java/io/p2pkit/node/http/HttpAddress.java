package io.p2pkit.node.http;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.metrics.MetricsServer;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * Where an HTTP server listens, written as Kubo writes it ({@code /ip4/127.0.0.1/tcp/5001}) or
 * as {@code HOST:PORT}.
 */
public final class HttpAddress {
    private HttpAddress() {
    }

    /**
     * Parses {@code /ip4/A/tcp/P}, {@code /ip6/A/tcp/P} or {@code HOST:PORT} ({@code [v6]:PORT}).
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static InetSocketAddress parse(String text) {
        if (!text.startsWith("/")) {
            return MetricsServer.parseAddress(text);
        }
        Multiaddr m;
        try {
            m = Multiaddr.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a multiaddr: '" + text + "': " + e.getMessage(), e);
        }
        String[] parts = m.toString().split("/");
        if (parts.length != 5 || !(parts[1].equals("ip4") || parts[1].equals("ip6")) || !parts[3].equals("tcp")) {
            throw new IllegalArgumentException("expected /ip4/<address>/tcp/<port> or /ip6/<address>/tcp/<port>, got '"
                    + text + "'");
        }
        return new InetSocketAddress(parts[2], Integer.parseInt(parts[4]));
    }

    /** The multiaddr Kubo writes for {@code address}, {@code /ip4/127.0.0.1/tcp/5001}. */
    public static String multiaddr(InetSocketAddress address) {
        boolean v6 = address.getAddress() instanceof Inet6Address;
        return (v6 ? "/ip6/" : "/ip4/") + address.getAddress().getHostAddress().replaceAll("%.*$", "") + "/tcp/"
                + address.getPort();
    }

    /** The URL of {@code address}, {@code http://127.0.0.1:5001}. */
    public static String url(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress().replaceAll("%.*$", "");
        return "http://" + (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":"
                + address.getPort();
    }
}
