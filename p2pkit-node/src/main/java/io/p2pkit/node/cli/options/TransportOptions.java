package io.p2pkit.node.cli.options;

import io.p2pkit.core.dns.ServerResolver;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.transport.tcp.TcpTransport;
import io.p2pkit.websocket.WebSocketConfig;
import io.p2pkit.websocket.WebSocketTransport;
import io.p2pkit.websocket.WssTls;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.quic.QuicTransport;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * How a command's host connects: {@code --security} and {@code --muxer} (comma-separated, in
 * preference order), WebSocket certificates ({@code --wss-cert}, {@code --wss-key},
 * {@code --wss-ca}) and {@code --dns-server}. Shared by every command that makes a host.
 */
public final class TransportOptions {
    @Option(names = "--security", paramLabel = "LIST",
            description = "security protocols in preference order, comma-separated: noise, tls, plaintext "
                    + "(default noise,tls; plaintext is unencrypted and for tests only)")
    private String security;

    @Option(names = "--muxer", paramLabel = "LIST",
            description = "stream muxers in preference order: yamux, mplex (default yamux,mplex)")
    private String muxer;

    @Option(names = "--wss-cert", paramLabel = "FILE", description = "PEM certificate chain for listening on /wss (/tls/ws)")
    private Path wssCert;

    @Option(names = "--wss-key", paramLabel = "FILE", description = "PEM private key of that certificate")
    private Path wssKey;

    @Option(names = "--wss-ca", paramLabel = "FILE",
            description = "PEM CA certificates to trust when dialing wss (default: the system's trust store)")
    private Path wssCa;

    @Option(names = "--dns-server", paramLabel = "IP[:PORT]",
            description = "resolve /dns* and /dnsaddr addresses with this DNS server (default: the system's resolver)")
    private String dnsServer;

    /**
     * Applies the options to {@code builder}: security and muxers, the transports (TCP, WebSocket
     * with wss listening given {@code --wss-cert} and {@code --wss-key} and wss dialing trusting
     * {@code --wss-ca} or else the system's CAs, and QUIC where its native library loads), and the
     * DNS server.
     *
     * @throws io.p2pkit.node.cli.UsageException for a value the builder refuses
     */
    public HostBuilder apply(HostBuilder builder) {
        try {
            if (security != null) {
                builder.security(split(security));
            }
            if (muxer != null) {
                builder.muxers(split(muxer));
            }
            if (dnsServer != null) {
                builder.dnsResolver(new ServerResolver(dnsServer(dnsServer), Duration.ofSeconds(2)));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if ((wssCert == null) != (wssKey == null)) {
            throw new UsageException("--wss-cert and --wss-key go together");
        }
        WebSocketTransport webSocket;
        try {
            webSocket = new WebSocketTransport(WebSocketConfig.defaults(),
                    wssCert != null ? WssTls.serverContext(wssCert, wssKey) : null,
                    wssCa != null ? WssTls.clientContext(wssCa) : null);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        builder.transport(key -> new TcpTransport()).transport(key -> webSocket);
        if (QuicTransport.isAvailable()) {
            builder.transport(QuicTransport::new); // the host's network closes it
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
}
