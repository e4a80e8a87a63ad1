package io.p2pkit.node.dnslink;

import io.p2pkit.core.DecodeException;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DNSLink (<a href="https://dnslink.dev">dnslink.dev</a>): a domain's content path from the TXT
 * record {@code dnslink=/ipfs/…} or {@code dnslink=/ipns/…} at {@code _dnslink.{domain}}, else at
 * {@code {domain}} itself (as Kubo and boxo look), asked over UDP of the configured DNS servers,
 * or of the DNS-over-HTTPS endpoint {@link DnsResolvers} gives the domain (Kubo's
 * {@code DNS.Resolvers}). Answers are cached for their TTL (at most an hour), the absence of one for a minute. Several {@code dnslink=} values: the
 * first in sort order wins, as go-dnslink does.
 *
 * <pre>{@code
 * DnsLinkResolver dns = new DnsLinkResolver(List.of(new InetSocketAddress("127.0.0.1", 53)), Duration.ofSeconds(5));
 * Optional<DnsLinkResolver.Link> link = dns.resolve("docs.ipfs.tech"); // "/ipfs/bafy…"
 * }</pre>
 */
public final class DnsLinkResolver {
    /** A resolver with no server: every name is unknown. */
    public static final DnsLinkResolver NONE = new DnsLinkResolver(List.of(), Duration.ofSeconds(1));

    private static final long MAX_CACHE_SECONDS = 3600;
    private static final int MAX_CACHE_ENTRIES = 10_000;
    private static final long NEGATIVE_CACHE_SECONDS = 60;

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final long maxCacheSeconds;
    private final DnsResolvers resolvers;
    private final SecureRandom random = new SecureRandom();
    /** The one shared state: answers by name, each with its expiry; entries are immutable. */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<Link> link, long expiresNanos) {
    }

    /**
     * A domain's DNSLink.
     *
     * @param path       the content path, {@code /ipfs/{cid}[/…]} or {@code /ipns/{name}[/…]}
     * @param ttlSeconds how long it may be cached (the TXT record's TTL)
     */
    public record Link(String path, long ttlSeconds) {
    }

    /**
     * @param servers the DNS servers asked, in order (UDP); none turns DNSLink off
     * @param timeout how long one server is waited for
     */
    public DnsLinkResolver(List<InetSocketAddress> servers, Duration timeout) {
        this(servers, timeout, MAX_CACHE_SECONDS, DnsResolvers.NONE);
    }

    private DnsLinkResolver(List<InetSocketAddress> servers, Duration timeout, long maxCacheSeconds,
                            DnsResolvers resolvers) {
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
        this.maxCacheSeconds = maxCacheSeconds;
        this.resolvers = resolvers;
    }

    /**
     * A resolver asking the same servers, but the DNS-over-HTTPS endpoints of {@code resolvers}
     * for the domains they cover; it keeps a cache of its own.
     */
    public DnsLinkResolver withResolvers(DnsResolvers resolvers) {
        return new DnsLinkResolver(servers, timeout, maxCacheSeconds, java.util.Objects.requireNonNull(resolvers));
    }

    /**
     * A resolver asking the same servers that keeps answers no longer than {@code max} (Kubo's
     * {@code Ipns.MaxCacheTTL}, which caps DNSLink too); zero keeps none. Answers are kept an hour
     * at most in any case.
     */
    public DnsLinkResolver capped(Duration max) {
        return new DnsLinkResolver(servers, timeout, Math.max(0, Math.min(maxCacheSeconds, max.getSeconds())), resolvers);
    }

    /**
     * A resolver asking {@code server}, or when none is given the {@code nameserver}s of
     * {@code /etc/resolv.conf} (none when it cannot be read), 5 s each.
     */
    public static DnsLinkResolver forServer(Optional<InetSocketAddress> server) {
        if (server.isPresent()) {
            return new DnsLinkResolver(List.of(server.get()), Duration.ofSeconds(5));
        }
        List<InetSocketAddress> system = new ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/resolv.conf"))) {
                String[] f = line.strip().split("\\s+");
                // an address literal only, so that getByName never looks anything up
                if (f.length >= 2 && f[0].equals("nameserver") && system.size() < 3 && f[1].matches("[0-9a-fA-F:.]+")) {
                    system.add(new InetSocketAddress(java.net.InetAddress.getByName(f[1]), 53));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return NONE; // no resolver configuration: DNSLink stays off rather than guessing a server
        }
        return new DnsLinkResolver(system, Duration.ofSeconds(5));
    }

    /** Whether any DNS server or DNS-over-HTTPS endpoint is configured. */
    public boolean enabled() {
        return !servers.isEmpty() || !resolvers.isEmpty();
    }

    /** Whether {@code name} could be a DNSLink domain: letters, digits, hyphens, at least one dot, not an IP address. */
    public static boolean isDomain(String name) {
        if (name.length() > 253 || name.indexOf('.') <= 0 || name.endsWith("..")) {
            return false;
        }
        boolean letter = false;
        for (String label : name.split("\\.")) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (Character.isLetter(c) && c < 128) {
                    letter = true;
                } else if (!(c >= '0' && c <= '9') && c != '-' && c != '_') {
                    return false;
                }
            }
        }
        return letter; // 127.0.0.1 is not a domain
    }

    /**
     * The DNSLink of {@code domain}, or empty when it has none (or no server is configured).
     *
     * @throws IOException when no server answered or every answer was an error
     */
    public Optional<Link> resolve(String domain) throws IOException {
        String name = domain.toLowerCase(Locale.ROOT);
        if (!isDomain(name) || servers.isEmpty() && resolvers.forName(name).isEmpty()) {
            return Optional.empty();
        }
        Cached hit = cache.get(name);
        if (hit != null && hit.expiresNanos() - System.nanoTime() > 0) {
            return hit.link();
        }
        Optional<Link> link = lookup("_dnslink." + name);
        if (link.isEmpty()) {
            link = lookup(name);
        }
        // a name without DNSLink is remembered a minute, so Host headers naming random domains
        // cost the DNS server two queries a minute each, not two a request
        long ttl = Math.min(link.map(Link::ttlSeconds).orElse(NEGATIVE_CACHE_SECONDS), maxCacheSeconds);
        if (ttl > 0) {
            if (cache.size() >= MAX_CACHE_ENTRIES) {
                cache.clear();
            }
            cache.put(name, new Cached(link, System.nanoTime() + ttl * 1_000_000_000L));
        }
        return link;
    }

    private Optional<Link> lookup(String name) throws IOException {
        DnsMessage.Reply reply = query(name);
        List<String> values = new ArrayList<>();
        for (String text : reply.texts()) {
            if (text.startsWith("dnslink=")) {
                String v = text.substring(8).strip();
                if (v.startsWith("/ipfs/") || v.startsWith("/ipns/")) {
                    values.add(v);
                }
            }
        }
        values.sort(null);
        return values.isEmpty() ? Optional.empty() : Optional.of(new Link(values.getFirst(), reply.ttlSeconds()));
    }

    /**
     * Asks the DNS-over-HTTPS endpoint that covers {@code name}, else each server in turn until one
     * answers (an answer with no records counts).
     */
    private DnsMessage.Reply query(String name) throws IOException {
        Optional<DohClient> doh = resolvers.forName(name);
        if (doh.isPresent()) {
            return DnsResolvers.answer(doh.get(), name, DnsMessage.TYPE_TXT);
        }
        IOException last = null;
        for (InetSocketAddress server : servers) {
            try {
                DnsMessage.Reply reply = ask(server, name);
                if (reply.rcode() == 0 || reply.rcode() == DnsMessage.NXDOMAIN) {
                    return reply;
                }
                last = new IOException("DNS server " + server + " answered rcode " + reply.rcode() + " for " + name);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("no DNS server configured");
    }

    private DnsMessage.Reply ask(InetSocketAddress server, String name) throws IOException {
        int id = random.nextInt(1 << 16);
        byte[] q = DnsMessage.query(id, name);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            socket.send(new DatagramPacket(q, q.length));
            byte[] buf = new byte[DnsMessage.MAX_REPLY_BYTES];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("DNS server " + server + " did not answer for " + name
                            + " within " + timeout.toMillis() + " ms");
                }
                socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                try {
                    DnsMessage.Reply reply = DnsMessage.decode(buf, p.getLength(), id, name);
                    if (reply.truncated()) {
                        throw new IOException("DNS server " + server + " truncated its answer for " + name
                                + " (over UDP's size; TCP is not asked)");
                    }
                    return reply;
                } catch (DecodeException e) {
                    // not our reply, or malformed: keep waiting until the deadline for the right one
                    continue;
                }
            }
        }
    }
}
