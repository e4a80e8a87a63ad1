package io.p2pkit.node.cli.options;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
            description = "resolve /dns* and /dnsaddr addresses, and the gateway's DNSLink names, with this DNS server "
                    + "(default: the system's resolver)")
    private String dnsServer;

    /**
     * The options as a node's transports section: TCP, WebSocket (wss listening with
     * {@code --wss-cert} and {@code --wss-key}, wss dialing trusting {@code --wss-ca} or else the
     * system's CAs) and QUIC where its native library loads, the security protocols and muxers, and
     * the DNS server. The values are checked here, by applying them to a builder that is never
     * built, so that a wrong one is a usage error before anything starts.
     *
     * @throws UsageException for a value the host would refuse or a file that cannot be read
     */
    public NodeConfig.Transports config() {
        if ((wssCert == null) != (wssKey == null)) {
            throw new UsageException("--wss-cert and --wss-key go together");
        }
        NodeConfig.Transports t;
        try {
            t = new NodeConfig.Transports(security == null ? List.of() : split(security),
                    muxer == null ? List.of() : split(muxer), true, Optional.ofNullable(wssCert),
                    Optional.ofNullable(wssKey), Optional.ofNullable(wssCa),
                    Optional.ofNullable(dnsServer).map(TransportOptions::dnsServer));
            HostBuilder check = Host.builder();
            if (security != null) {
                check.security(split(security).toArray(String[]::new)); // refuses an empty list too
            }
            if (muxer != null) {
                check.muxers(split(muxer).toArray(String[]::new));
            }
            t.applyTo(check);
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e.getMessage());
        }
        return t;
    }

    /** @return whether {@code --muxer} was given (it wins over the repository's config) */
    public boolean muxerGiven() {
        return muxer != null;
    }

    /** @return whether {@code --security} was given (it wins over the repository's config) */
    public boolean securityGiven() {
        return security != null;
    }

    /**
     * Applies the options to {@code builder} (see {@link #config()}).
     *
     * @throws UsageException for a value the builder refuses
     */
    public HostBuilder apply(HostBuilder builder) {
        try {
            return config().applyTo(builder);
        } catch (IOException e) {
            throw new UsageException(e.getMessage()); // a wss file that went away since it was checked
        }
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

    private static List<String> split(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
