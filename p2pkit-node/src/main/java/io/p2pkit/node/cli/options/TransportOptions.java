package io.p2pkit.node.cli.command;

import io.p2pkit.core.dns.ServerResolver;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.websocket.WebSocketConfig;
import io.p2pkit.websocket.WebSocketTransport;
import io.p2pkit.websocket.WssTls;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.quic.QuicTransport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The options that choose security protocols and muxers, shared by the commands that make a host. */
final class HostOptions {
    static final List<String> VALUED = List.of("security", "muxer", "wss-cert", "wss-key", "wss-ca", "dns-server");

    private HostOptions() {
    }

    /**
     * Applies {@code --security a,b} and {@code --muxer a,b} (comma-separated, in preference order),
     * adds the WebSocket transport (wss listening with {@code --wss-cert} and {@code --wss-key},
     * wss dialing trusting {@code --wss-ca} or else the system's CAs) and {@code --dns-server}.
     */
    static HostBuilder apply(Args args, HostBuilder builder) {
        try {
            args.value("security").ifPresent(v -> builder.security(split(v)));
            args.value("muxer").ifPresent(v -> builder.muxers(split(v)));
            args.value("dns-server").ifPresent(v -> builder.dnsResolver(new ServerResolver(dnsServer(v), Duration.ofSeconds(2))));
            if (QuicTransport.isAvailable()) {
                builder.transport(QuicTransport::new); // /quic-v1 beside TCP; the host's network closes it
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        var cert = args.value("wss-cert");
        var key = args.value("wss-key");
        if (cert.isPresent() != key.isPresent()) {
            throw new UsageException("--wss-cert and --wss-key go together");
        }
        try {
            builder.addTransport(new WebSocketTransport(WebSocketConfig.defaults(),
                    cert.isPresent() ? WssTls.serverContext(Path.of(cert.get()), Path.of(key.get())) : null,
                    args.value("wss-ca").isPresent() ? WssTls.clientContext(Path.of(args.value("wss-ca").get())) : null));
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        return builder;
    }

    /** {@code IP:PORT} or {@code [IPv6]:PORT} (port 53 when absent); never a name to look up. */
    private static InetSocketAddress dnsServer(String v) {
        String host = v;
        int port = 53;
        int colon = v.lastIndexOf(':');
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw new UsageException("--dns-server: missing ] in " + v);
            }
            host = v.substring(1, close);
            if (close + 1 < v.length()) {
                port = port(v.substring(close + 1));
            }
        } else if (colon >= 0 && v.indexOf(':') == colon) {
            host = v.substring(0, colon);
            port = port(v.substring(colon));
        }
        if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new UsageException("--dns-server needs an IP address, got '" + v + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new UsageException("--dns-server needs an IP address, got '" + v + "'");
        }
    }

    private static int port(String colonAndPort) {
        String p = colonAndPort.startsWith(":") ? colonAndPort.substring(1) : colonAndPort;
        try {
            int n = Integer.parseInt(p);
            if (n < 1 || n > 65535) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--dns-server: bad port '" + p + "'");
        }
    }

    private static String[] split(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    static final String HELP = """
              --security LIST   security protocols in preference order, comma-separated:
                                noise, tls, plaintext (default noise,tls; plaintext is
                                unencrypted and for tests only)
              --muxer LIST      stream muxers in preference order: yamux, mplex
                                (default yamux,mplex)
              --wss-cert FILE   PEM certificate chain for listening on /wss (/tls/ws)
              --wss-key FILE    PEM private key of that certificate
              --wss-ca FILE     PEM CA certificates to trust when dialing wss (default:
                                the system's trust store)
              --dns-server IP[:PORT]
                                resolve /dns* and /dnsaddr addresses with this DNS
                                server (default: the system's resolver)""";
}
