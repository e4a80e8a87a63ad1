package io.p2pkit.discovery.mdns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of an {@link MdnsService}. Start from {@link #defaults()} and change what you need:
 * {@code MdnsConfig.defaults().withQueryInterval(Duration.ofSeconds(30))}.
 *
 * @param queryInterval  how often to ask the network for peers once the first quick queries
 *                       (after 0, 1, 2, 4, … seconds) have reached it; default 60 s
 * @param ttl            how long others may keep our addresses (the records' TTL); default 6 min
 * @param ipv4           whether to use IPv4 ({@code 224.0.0.251}); default true
 * @param ipv6           whether to use IPv6 ({@code ff02::fb}); default true
 * @param interfaces     names of the network interfaces to use ({@code eth0}, …); empty (the
 *                       default) picks every interface that is up, multicast-capable, not loopback
 *                       and not point-to-point
 * @param allowLoopback  whether loopback addresses may be announced (for tests); default false
 * @param maxConnections how many discovered peers the service connects to on its own (it keeps at
 *                       most this many of its connections open); 0, the default, never connects
 */
public record MdnsConfig(Duration queryInterval, Duration ttl, boolean ipv4, boolean ipv6, List<String> interfaces,
                         boolean allowLoopback, int maxConnections) {
    /** The shortest query interval accepted. */
    public static final Duration MIN_QUERY_INTERVAL = Duration.ofSeconds(1);

    /** Checks the values. */
    public MdnsConfig {
        Objects.requireNonNull(queryInterval, "queryInterval");
        Objects.requireNonNull(ttl, "ttl");
        interfaces = List.copyOf(interfaces);
        if (queryInterval.compareTo(MIN_QUERY_INTERVAL) < 0) {
            throw new IllegalArgumentException("query interval " + queryInterval + " is under " + MIN_QUERY_INTERVAL);
        }
        if (ttl.toSeconds() < 1 || ttl.toSeconds() > 0xffff_ffffL) {
            throw new IllegalArgumentException("ttl " + ttl + " must be between 1 s and 2^32-1 s");
        }
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("at least one of IPv4 and IPv6 must be on");
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections " + maxConnections);
        }
    }

    /** The defaults: query every 60 s, TTL 6 min, IPv4 and IPv6, LAN interfaces, no loopback, no connecting. */
    public static MdnsConfig defaults() {
        return new MdnsConfig(Duration.ofSeconds(60), Duration.ofMinutes(6), true, true, List.of(), false, 0);
    }

    /** With another query interval. */
    public MdnsConfig withQueryInterval(Duration interval) {
        return new MdnsConfig(interval, ttl, ipv4, ipv6, interfaces, allowLoopback, maxConnections);
    }

    /** With another TTL for our records. */
    public MdnsConfig withTtl(Duration recordTtl) {
        return new MdnsConfig(queryInterval, recordTtl, ipv4, ipv6, interfaces, allowLoopback, maxConnections);
    }

    /** With IPv4 and IPv6 turned on or off. */
    public MdnsConfig withIpVersions(boolean useIpv4, boolean useIpv6) {
        return new MdnsConfig(queryInterval, ttl, useIpv4, useIpv6, interfaces, allowLoopback, maxConnections);
    }

    /** Using exactly these interfaces (by name) instead of picking LAN interfaces. */
    public MdnsConfig withInterfaces(List<String> names) {
        return new MdnsConfig(queryInterval, ttl, ipv4, ipv6, names, allowLoopback, maxConnections);
    }

    /** Allowing loopback addresses to be announced or not. */
    public MdnsConfig withAllowLoopback(boolean allow) {
        return new MdnsConfig(queryInterval, ttl, ipv4, ipv6, interfaces, allow, maxConnections);
    }

    /** Connecting to at most {@code max} discovered peers (0: never). */
    public MdnsConfig withMaxConnections(int max) {
        return new MdnsConfig(queryInterval, ttl, ipv4, ipv6, interfaces, allowLoopback, max);
    }
}
