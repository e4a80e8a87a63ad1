package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IP network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a /32 or
 * /128). Used by allow and deny lists. Immutable. IPv4-mapped IPv6 addresses are not folded into
 * IPv4: a network matches only addresses of its own family.
 */
public final class IpNetwork {
    /** Longer text cannot be a CIDR: refused before any parsing. */
    public static final int MAX_TEXT_LENGTH = 64;

    private final byte[] prefix;
    private final int bits;

    private IpNetwork(byte[] prefix, int bits) {
        this.prefix = prefix;
        this.bits = bits;
    }

    /**
     * Parses {@code a.b.c.d/n}, {@code x:y::z/n} or a bare address. Host bits beyond the prefix are
     * cleared. Never looks a name up.
     *
     * @throws DecodeException when the text is not an IP address with an optional prefix length
     */
    public static IpNetwork parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
            throw new DecodeException("cidr", "expected an IP network such as 10.0.0.0/8");
        }
        int slash = text.indexOf('/');
        String ip = slash < 0 ? text : text.substring(0, slash);
        byte[] addr = literal(ip);
        int max = addr.length * 8;
        int bits = max;
        if (slash >= 0) {
            String len = text.substring(slash + 1);
            if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new DecodeException("cidr", "bad prefix length '" + len + "'");
            }
            bits = Integer.parseInt(len);
            if (bits > max) {
                throw new DecodeException("cidr", "prefix length " + bits + " exceeds " + max);
            }
        }
        return new IpNetwork(mask(addr, bits), bits);
    }

    /** The network of exactly one address. */
    public static IpNetwork of(InetAddress address) {
        byte[] a = address.getAddress();
        return new IpNetwork(a, a.length * 8);
    }

    /** Whether {@code address} lies in this network. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == prefix.length && Arrays.equals(mask(a, bits), prefix);
    }

    /** Whether the IP of {@code address} (an {@code /ip4} or {@code /ip6} multiaddr) lies in this network. */
    public boolean contains(Multiaddr address) {
        Optional<java.net.InetSocketAddress> s = address.toSocketAddress();
        return s.isPresent() && contains(s.get().getAddress());
    }

    /** The prefix length. */
    public int prefixLength() {
        return bits;
    }

    private static byte[] mask(byte[] addr, int bits) {
        byte[] out = addr.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }

    // Parses a numeric literal by hand: InetAddress.getByName would resolve names.
    private static byte[] literal(String ip) {
        if (ip.indexOf(':') >= 0) {
            if (!ip.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                throw new DecodeException("cidr", "bad IPv6 address '" + ip + "'");
            }
            try {
                // A text with ':' is only ever parsed as an IPv6 literal, never looked up.
                InetAddress a = InetAddress.getByName(ip);
                if (!(a instanceof Inet6Address) && !(a instanceof Inet4Address)) {
                    throw new DecodeException("cidr", "bad IPv6 address '" + ip + "'");
                }
                return a.getAddress().length == 4 ? mapped(a.getAddress()) : a.getAddress();
            } catch (UnknownHostException | RuntimeException e) {
                throw new DecodeException("cidr", "bad IPv6 address '" + ip + "'");
            }
        }
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            throw new DecodeException("cidr", "bad IPv4 address '" + ip + "'");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new DecodeException("cidr", "bad IPv4 address '" + ip + "'");
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new DecodeException("cidr", "bad IPv4 address '" + ip + "'");
            }
            out[i] = (byte) v;
        }
        return out;
    }

    // ::ffff:a.b.c.d literals come back from the JDK as IPv4; keep them IPv6 as written.
    private static byte[] mapped(byte[] v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xFF;
        out[11] = (byte) 0xFF;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpNetwork n && n.bits == bits && Arrays.equals(n.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix) * 31 + bits;
    }

    @Override
    public String toString() {
        try {
            String a = InetAddress.getByAddress(prefix).getHostAddress();
            return a + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
