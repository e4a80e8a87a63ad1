package io.p2pkit.webrtc.sdp;

import io.p2pkit.core.DecodeException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One ICE candidate as SDP writes it (RFC 8839 §5.1): {@code candidate:<foundation> <component>
 * udp <priority> <address> <port> typ <type> …}. Only UDP candidates with an IP literal are kept:
 * TCP candidates and mDNS names ({@code ….local}) cannot be used here, and a name is never
 * resolved (that would make a remote peer choose what we look up).
 *
 * @param foundation the foundation (1..32 ice-chars)
 * @param component  the component id (1 for WebRTC data channels)
 * @param priority   the candidate's priority
 * @param address    the IP address and UDP port
 * @param type       host, srflx, prflx or relay
 * @param related    {@code raddr}/{@code rport}: a reflexive candidate's base or a relay
 *                   candidate's mapped address (empty for a host candidate, and when the line
 *                   names none or hides it behind a name or 0.0.0.0)
 */
public record IceCandidate(String foundation, int component, long priority, InetSocketAddress address, String type,
                           Optional<InetSocketAddress> related) {
    /** Longest candidate line accepted. */
    public static final int MAX_LENGTH = 1024;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern FOUNDATION = Pattern.compile("[A-Za-z0-9+/]{1,32}");
    /** A candidate type: a token (RFC 8839 §5.1), so that writing it back gives the same line. */
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9\\-]{1,32}");
    private static final InetAddress ANY = ipLiteral("0.0.0.0").orElseThrow(); // after the patterns it uses

    /** A host candidate for component 1 with RFC 8445's recommended host priority. */
    public static IceCandidate host(String foundation, InetSocketAddress address) {
        return new IceCandidate(foundation, 1, priority(126), address, "host", Optional.empty());
    }

    /**
     * A server-reflexive candidate for component 1 (RFC 8445 §5.1.1.2): the address a STUN server
     * saw, with the host candidate it was learned from as its base, and the recommended priority.
     */
    public static IceCandidate serverReflexive(String foundation, InetSocketAddress mapped, InetSocketAddress base) {
        return new IceCandidate(foundation, 1, priority(100), mapped, "srflx", Optional.of(base));
    }

    /**
     * A relay candidate for component 1 (RFC 8445 §5.1.1.2): the address a TURN server allocated,
     * with type preference 0 (RFC 8445 §5.1.2.2) so that every direct pair ranks above it, and the
     * allocation's mapped address as {@code raddr}/{@code rport} (empty: written as 0.0.0.0 0,
     * as browsers hide it).
     */
    public static IceCandidate relay(String foundation, InetSocketAddress relayed, Optional<InetSocketAddress> mapped) {
        return new IceCandidate(foundation, 1, priority(0), relayed, "relay",
                Optional.of(mapped.orElse(new InetSocketAddress(ANY, 0))));
    }

    /** RFC 8445 §5.1.2.1's priority for component 1 with this type preference and the highest local preference. */
    private static long priority(int typePreference) {
        return ((long) typePreference << 24) | (65535L << 8) | 255L;
    }

    /**
     * Parses a candidate line, with or without the {@code a=} and {@code candidate:} prefixes;
     * empty for one we cannot use (TCP, an mDNS name, a component other than 1).
     *
     * @throws DecodeException if the line is malformed
     */
    public static Optional<IceCandidate> parse(String line) {
        if (line.length() > MAX_LENGTH) {
            throw new DecodeException("candidate", "longer than " + MAX_LENGTH + " characters");
        }
        String s = line.strip();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (s.startsWith("candidate:")) {
            s = s.substring("candidate:".length());
        }
        String[] f = s.split(" ");
        if (f.length < 8 || !f[6].equals("typ")) {
            throw new DecodeException("candidate", "not <foundation> <component> <transport> <priority> <address> <port> typ <type>");
        }
        if (!FOUNDATION.matcher(f[0]).matches()) {
            throw new DecodeException("candidate", "bad foundation");
        }
        if (!TYPE.matcher(f[7]).matches()) {
            throw new DecodeException("candidate", "bad type");
        }
        int component = parseInt(f[1], 1, 256, "component");
        long priority = parseLong(f[3], 1, 0xFFFFFFFFL, "priority");
        int port = parseInt(f[5], 0, 65535, "port");
        if (!f[2].toLowerCase(Locale.ROOT).equals("udp") || component != 1) {
            return Optional.empty();
        }
        Optional<InetAddress> ip = ipLiteral(f[4]);
        if (ip.isEmpty() || port == 0) {
            return Optional.empty();
        }
        return Optional.of(new IceCandidate(f[0], component, priority, new InetSocketAddress(ip.get(), port), f[7],
                related(f)));
    }

    /** {@code raddr <ip> rport <port>} among the extension pairs after the type; a name or 0.0.0.0 gives none. */
    private static Optional<InetSocketAddress> related(String[] f) {
        String raddr = null;
        int rport = -1;
        for (int i = 8; i + 1 < f.length; i += 2) {
            if (f[i].equals("raddr")) {
                raddr = f[i + 1];
            } else if (f[i].equals("rport")) {
                rport = parseInt(f[i + 1], 0, 65535, "rport");
            }
        }
        if (raddr == null || rport < 0) {
            return Optional.empty();
        }
        int port = rport;
        return ipLiteral(raddr).filter(a -> !a.isAnyLocalAddress()).map(a -> new InetSocketAddress(a, port));
    }

    /** The address if {@code s} is an IPv4 or IPv6 literal (looked up nowhere), else empty. */
    static Optional<InetAddress> ipLiteral(String s) {
        boolean v4 = IPV4.matcher(s).matches();
        if (!v4 && !(s.indexOf(':') >= 0 && IPV6.matcher(s).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s)); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static int parseInt(String s, int min, int max, String field) {
        return (int) parseLong(s, min, max, field);
    }

    private static long parseLong(String s, long min, long max, String field) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            throw new DecodeException("candidate", "bad " + field);
        }
        long v = Long.parseLong(s);
        if (v < min || v > max) {
            throw new DecodeException("candidate", field + " out of range");
        }
        return v;
    }

    /**
     * The SDP form without {@code a=}: {@code candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host}, with
     * {@code raddr <ip> rport <port>} after it when there is a related address.
     */
    public String toSdp() {
        String line = "candidate:" + foundation + " " + component + " udp " + priority + " "
                + address.getAddress().getHostAddress() + " " + address.getPort() + " typ " + type;
        return related.map(r -> line + " raddr " + r.getAddress().getHostAddress() + " rport " + r.getPort()).orElse(line);
    }
}
