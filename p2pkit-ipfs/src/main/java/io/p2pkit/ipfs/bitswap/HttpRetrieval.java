package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.ipfs.block.Block;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Block retrieval over HTTPS from Trustless Gateways, beside Bitswap over libp2p (Kubo's
 * {@code HTTPRetrieval}): a provider whose record names a {@code /tls/http} (or {@code /https})
 * address is asked {@code HEAD} (want-have) and {@code GET /ipfs/{cid}?format=raw} with
 * {@code Accept: application/vnd.ipld.raw} (want-block) instead of a Bitswap stream, once it answers
 * the probe path. Plain {@code /http} addresses are never used, as in Kubo.
 *
 * @param enabled      whether providers with HTTPS addresses are asked (Kubo: true)
 * @param allowlist    when not empty, only these host names (or IP addresses) are asked
 * @param denylist     these never are; it wins over the allowlist
 * @param workers      requests in flight at once, over every HTTP provider (Kubo: 16)
 * @param maxBlockSize the largest block taken (Kubo: 2 MiB); a bigger answer is refused
 * @param insecure     whether the servers' certificates go unchecked (Kubo's {@code TLSInsecureSkipVerify}: tests only)
 */
public record HttpRetrieval(boolean enabled, List<String> allowlist, List<String> denylist, int workers,
                            int maxBlockSize, boolean insecure) {
    /** Kubo's defaults: on, every host, 16 requests at once, 2 MiB blocks, certificates checked. */
    public static final HttpRetrieval DEFAULT = new HttpRetrieval(true, List.of(), List.of(), 16, Block.MAX_SIZE, false);
    /** Off: providers are reached over libp2p alone. */
    public static final HttpRetrieval OFF = new HttpRetrieval(false, List.of(), List.of(), 16, Block.MAX_SIZE, false);
    /** The most requests in flight at once that may be asked for. */
    public static final int MAX_WORKERS = 1024;

    /** Checks the values and copies the lists (host names compared in lower case). */
    public HttpRetrieval {
        allowlist = allowlist.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        denylist = denylist.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("HTTP retrieval workers must be from 1 to " + MAX_WORKERS + ", not " + workers);
        }
        if (maxBlockSize < 1) {
            throw new IllegalArgumentException("the HTTP retrieval block size limit must be positive: " + maxBlockSize);
        }
    }

    /**
     * The base URL ({@code https://host:port}) of the first of {@code addresses} that is an HTTPS
     * endpoint these settings allow: {@code /ip4|ip6|dns|dns4|dns6/…/tcp/PORT/tls/http} (with an
     * optional {@code /sni/NAME}, whose name is then the host asked) or {@code …/tcp/PORT/https}.
     */
    public Optional<URI> endpoint(List<Multiaddr> addresses) {
        if (!enabled) {
            return Optional.empty();
        }
        for (Multiaddr a : addresses) {
            Optional<URI> uri = https(a);
            if (uri.isPresent() && allowed(uri.get().getHost())) {
                return uri;
            }
        }
        return Optional.empty();
    }

    /** Whether {@code host} may be asked: not denied, and allowed when there is an allowlist. */
    public boolean allowed(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return !denylist.contains(h) && (allowlist.isEmpty() || allowlist.contains(h));
    }

    private static Optional<URI> https(Multiaddr a) {
        List<Protocol> ps = a.protocols();
        if (ps.size() < 3 || ps.get(1) != Protocol.TCP) {
            return Optional.empty();
        }
        Protocol first = ps.get(0);
        if (first != Protocol.IP4 && first != Protocol.IP6 && first != Protocol.DNS && first != Protocol.DNS4
                && first != Protocol.DNS6) {
            return Optional.empty();
        }
        String host = a.component(0).valueString();
        int i = 2;
        if (ps.get(i) == Protocol.HTTPS) {
            i++;
        } else if (ps.get(i) == Protocol.TLS) {
            i++;
            if (i < ps.size() && ps.get(i) == Protocol.SNI) {
                host = a.component(i).valueString();
                i++;
            }
            if (i >= ps.size() || ps.get(i) != Protocol.HTTP) {
                return Optional.empty();
            }
            i++;
        } else {
            return Optional.empty(); // plain /http: never, as Kubo
        }
        if (i < ps.size() && ps.get(i) != Protocol.P2P) {
            return Optional.empty(); // an /http-path or more: not a gateway's root
        }
        String h = first == Protocol.IP6 && host.equals(a.component(0).valueString()) ? "[" + host + "]" : host;
        try {
            return Optional.of(new URI("https://" + h + ":" + a.component(1).valueString()));
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }
}
