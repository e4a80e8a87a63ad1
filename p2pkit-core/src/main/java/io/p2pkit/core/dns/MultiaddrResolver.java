package io.p2pkit.core.dns;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Component;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns multiaddrs that start with a DNS name into dialable ones.
 *
 * <ul>
 *   <li>{@code /dns4/H/…}, {@code /dns6/H/…}, {@code /dns/H/…}: one address per A (and/or AAAA)
 *       record of H, the name replaced by {@code /ip4/…} or {@code /ip6/…}. When TLS follows
 *       ({@code /tls/…} or {@code /wss}), the name is kept for it as {@code /tls/sni/H/…}, so the
 *       certificate is still checked against H.</li>
 *   <li>{@code /dnsaddr/H/…}: the {@code dnsaddr=<multiaddr>} TXT records of {@code _dnsaddr.H},
 *       resolved again in turn (up to a depth limit). When the address names a peer
 *       ({@code /p2p/ID} at its end, or the peer being dialed), only records for that peer are
 *       kept; other trailing components must end the record too.</li>
 *   <li>Anything else is returned unchanged.</li>
 * </ul>
 * Results are deduplicated, in answer order, and capped.
 */
public final class MultiaddrResolver {
    /** How deep {@code /dnsaddr} records may point to further {@code /dnsaddr} records by default. */
    public static final int DEFAULT_MAX_DEPTH = 4;
    /** How many addresses one resolution may yield by default. */
    public static final int DEFAULT_MAX_RESULTS = 64;

    private final DnsResolver dns;
    private final int maxDepth;
    private final int maxResults;

    /** Resolves with {@code dns} and the default limits. */
    public MultiaddrResolver(DnsResolver dns) {
        this(dns, DEFAULT_MAX_DEPTH, DEFAULT_MAX_RESULTS);
    }

    /**
     * @param dns        where names are looked up
     * @param maxDepth   how many {@code /dnsaddr} levels are followed
     * @param maxResults how many addresses one call returns at most
     */
    public MultiaddrResolver(DnsResolver dns, int maxDepth, int maxResults) {
        if (maxDepth < 1 || maxResults < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.dns = dns;
        this.maxDepth = maxDepth;
        this.maxResults = maxResults;
    }

    /** The DNS resolver names are looked up with. */
    public DnsResolver dns() {
        return dns;
    }

    /** Whether {@code address} starts with a name that {@link #resolve} looks up. */
    public static boolean needsResolving(Multiaddr address) {
        if (address.isEmpty()) {
            return false;
        }
        Protocol p = address.protocols().get(0);
        return p == Protocol.DNS || p == Protocol.DNS4 || p == Protocol.DNS6 || p == Protocol.DNSADDR;
    }

    /**
     * Resolves {@code address}, keeping only addresses of {@code peer} when it is given (and
     * otherwise of the peer the address names, if any).
     *
     * @throws IOException when a lookup fails; a name without records resolves to nothing
     */
    public List<Multiaddr> resolve(Multiaddr address, Optional<PeerId> peer) throws IOException {
        Set<Multiaddr> out = new LinkedHashSet<>();
        Optional<PeerId> expected = peer.isPresent() ? peer : address.peerId();
        resolve(address, expected, 0, out);
        return List.copyOf(out);
    }

    private void resolve(Multiaddr address, Optional<PeerId> peer, int depth, Set<Multiaddr> out) throws IOException {
        if (out.size() >= maxResults) {
            return;
        }
        if (!needsResolving(address)) {
            out.add(address);
            return;
        }
        Protocol kind = address.protocols().get(0);
        String name = address.component(0).valueString();
        Multiaddr rest = rest(address);
        if (kind == Protocol.DNSADDR) {
            if (depth >= maxDepth) {
                throw new IOException("/dnsaddr records nested deeper than " + maxDepth + " levels at " + name);
            }
            String suffix = rest.withoutPeerId().toString();
            for (String record : dns.txt("_dnsaddr." + name)) {
                if (out.size() >= maxResults) {
                    return;
                }
                if (!record.startsWith("dnsaddr=")) {
                    continue;
                }
                Multiaddr entry;
                try {
                    entry = Multiaddr.parse(record.substring("dnsaddr=".length()));
                } catch (DecodeException e) {
                    continue; // a bad record does not spoil the good ones
                }
                if (peer.isPresent() && !peer.equals(entry.peerId())) {
                    continue;
                }
                if (!suffix.isEmpty() && !entry.withoutPeerId().toString().endsWith(suffix)) {
                    continue;
                }
                resolve(entry, peer, depth + 1, out);
            }
            return;
        }
        List<InetAddress> ips = new ArrayList<>();
        if (kind != Protocol.DNS6) {
            ips.addAll(dns.ip4(name));
        }
        if (kind != Protocol.DNS4) {
            ips.addAll(dns.ip6(name));
        }
        Multiaddr tail = keepNameForTls(rest, name);
        for (InetAddress ip : ips) {
            if (out.size() >= maxResults) {
                return;
            }
            String head = (ip instanceof Inet4Address ? "/ip4/" : "/ip6/") + ip.getHostAddress();
            out.add(Multiaddr.parse(head).encapsulate(tail));
        }
    }

    /** {@code address} without its first component. */
    private static Multiaddr rest(Multiaddr address) {
        StringBuilder sb = new StringBuilder();
        List<Component> c = address.components();
        for (int i = 1; i < c.size(); i++) {
            sb.append(c.get(i));
        }
        return sb.isEmpty() ? Multiaddr.empty() : Multiaddr.parse(sb.toString());
    }

    /** Rewrites {@code /wss} and a {@code /tls} without {@code /sni} so that TLS still names {@code host}. */
    static Multiaddr keepNameForTls(Multiaddr rest, String host) {
        List<Component> c = rest.components();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            Protocol p = c.get(i).protocol();
            boolean sniNext = i + 1 < c.size() && c.get(i + 1).protocol() == Protocol.SNI;
            if (p == Protocol.WSS) {
                sb.append("/tls/sni/").append(host).append("/ws");
            } else if (p == Protocol.TLS && !sniNext) {
                sb.append("/tls/sni/").append(host);
            } else {
                sb.append(c.get(i));
            }
        }
        return sb.isEmpty() ? Multiaddr.empty() : Multiaddr.parse(sb.toString());
    }
}
