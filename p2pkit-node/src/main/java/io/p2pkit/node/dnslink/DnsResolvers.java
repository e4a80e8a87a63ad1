package io.p2pkit.node.dnslink;

import io.p2pkit.core.dns.DnsResolver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Kubo's {@code DNS.Resolvers}: which DNS-over-HTTPS endpoint answers for which domain. A name is
 * asked of the endpoint of its longest configured suffix ({@code "eth."} answers for
 * {@code vitalik.eth}, {@code "."} for every name no other entry covers); a name no entry covers
 * goes to the node's usual resolver (its {@code --dns-server}, else the system's). DNSLink
 * ({@link DnsLinkResolver#withResolvers}) and {@code /dns*} multiaddrs ({@link #over}) both follow
 * it, as in Kubo.
 *
 * <pre>{@code
 * DnsResolvers doh = DnsResolvers.of(Map.of("eth.", "https://dns.eth.limo/dns-query"), Optional.empty());
 * }</pre>
 */
public final class DnsResolvers {
    /** No entry: every name goes to the usual resolver. */
    public static final DnsResolvers NONE = new DnsResolvers(Map.of());

    /** The most entries a config may have: each is one domain, and a lookup walks a name's labels. */
    public static final int MAX_ENTRIES = 256;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Suffix ({@code "eth."}, {@code "."}) to its endpoint; endpoints given twice are one client. */
    private final Map<String, DohClient> bySuffix;

    private DnsResolvers(Map<String, DohClient> bySuffix) {
        this.bySuffix = Map.copyOf(bySuffix);
    }

    /**
     * The resolvers of a {@code DNS.Resolvers} map.
     *
     * @param resolvers domain ({@code "."} or a fully qualified name ending in a dot) to an
     *                  {@code https://} or {@code http://} URL; {@code ""} or {@code "auto"} (what
     *                  AutoConf did not replace) leaves the domain to the usual resolver
     * @param maxTtl    Kubo's {@code DNS.MaxCacheTTL}: the longest an answer of these endpoints is
     *                  kept; empty: as its TTL says
     * @throws IllegalArgumentException naming the entry that is not one
     */
    public static DnsResolvers of(Map<String, String> resolvers, Optional<Duration> maxTtl) {
        if (resolvers.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("DNS.Resolvers has " + resolvers.size() + " entries, more than "
                    + MAX_ENTRIES);
        }
        Map<String, DohClient> byUrl = new LinkedHashMap<>();
        Map<String, DohClient> bySuffix = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : resolvers.entrySet()) {
            Optional<URI> url = check(e.getKey(), e.getValue());
            if (url.isPresent()) {
                bySuffix.put(e.getKey().toLowerCase(Locale.ROOT), byUrl.computeIfAbsent(url.get().toString(),
                        u -> new DohClient(url.get(), TIMEOUT, maxTtl)));
            }
        }
        return bySuffix.isEmpty() ? NONE : new DnsResolvers(bySuffix);
    }

    /**
     * Checks one entry of {@code DNS.Resolvers}, with boxo's words.
     *
     * @return its endpoint, or empty for {@code ""} and {@code "auto"}
     * @throws IllegalArgumentException when the domain is not fully qualified or the URL not an HTTP one
     */
    public static Optional<URI> check(String domain, String url) {
        if (!domain.equals(".") && !fullyQualified(domain)) {
            throw new IllegalArgumentException("invalid domain " + domain + "; must be FQDN");
        }
        if (url.isEmpty() || url.equals("auto")) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("bad resolver for " + domain + ": invalid DoH resolver URL: " + url);
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("bad resolver for " + domain + ": invalid DoH resolver URL: " + url);
        }
        return Optional.of(uri);
    }

    /** A name ending in a dot whose labels are 1 to 63 bytes, 253 in all (miekg/dns's IsFqdn and IsDomainName). */
    private static boolean fullyQualified(String domain) {
        if (!domain.endsWith(".") || domain.length() < 2 || domain.length() > 254) {
            return false;
        }
        for (String label : domain.substring(0, domain.length() - 1).split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                return false;
            }
        }
        return true;
    }

    /** Whether no entry is configured. */
    public boolean isEmpty() {
        return bySuffix.isEmpty();
    }

    /** The endpoints, by the suffix each answers for. */
    public Map<String, URI> endpoints() {
        Map<String, URI> out = new java.util.TreeMap<>();
        bySuffix.forEach((suffix, client) -> out.put(suffix, client.url()));
        return out;
    }

    /** The endpoint of {@code name}'s longest configured suffix, if any. */
    Optional<DohClient> forName(String name) {
        if (bySuffix.isEmpty()) {
            return Optional.empty();
        }
        String n = name.toLowerCase(Locale.ROOT);
        n = n.endsWith(".") ? n : n + ".";
        for (int at = 0; at >= 0 && at < n.length(); ) {
            DohClient c = bySuffix.get(n.substring(at));
            if (c != null) {
                return Optional.of(c);
            }
            at = n.indexOf('.', at) + 1;
        }
        return Optional.ofNullable(bySuffix.get("."));
    }

    /**
     * A resolver for {@code /dns*} multiaddrs that asks these endpoints for the names they cover
     * and {@code fallback} for the rest.
     */
    public DnsResolver over(DnsResolver fallback) {
        if (isEmpty()) {
            return fallback;
        }
        return new DnsResolver() {
            @Override
            public List<InetAddress> ip4(String name) throws IOException {
                Optional<DohClient> c = forName(name);
                return c.isPresent() ? answer(c.get(), name, DnsMessage.TYPE_A).addresses() : fallback.ip4(name);
            }

            @Override
            public List<InetAddress> ip6(String name) throws IOException {
                Optional<DohClient> c = forName(name);
                return c.isPresent() ? answer(c.get(), name, DnsMessage.TYPE_AAAA).addresses() : fallback.ip6(name);
            }

            @Override
            public List<String> txt(String name) throws IOException {
                Optional<DohClient> c = forName(name);
                return c.isPresent() ? answer(c.get(), name, DnsMessage.TYPE_TXT).texts() : fallback.txt(name);
            }

            @Override
            public String toString() {
                return "DNS.Resolvers " + endpoints() + " over " + fallback;
            }
        };
    }

    /** A reply that names no error, or none found (an empty list); another rcode is the endpoint's failure. */
    static DnsMessage.Reply answer(DohClient client, String name, int type) throws IOException {
        DnsMessage.Reply reply = client.ask(name, type);
        if (reply.rcode() != 0 && reply.rcode() != DnsMessage.NXDOMAIN) {
            throw new IOException(client + " answered rcode " + reply.rcode() + " for " + name);
        }
        return reply;
    }

    @Override
    public String toString() {
        return "DNS.Resolvers " + endpoints();
    }
}
