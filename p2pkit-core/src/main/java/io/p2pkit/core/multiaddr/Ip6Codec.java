package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/**
 * IPv6 addresses. Parses every RFC 4291 text form (full, {@code ::}-compressed, with an embedded
 * dotted-quad tail) without any name lookup, and prints the RFC 5952 canonical form; IPv4-mapped
 * addresses print as {@code ::ffff:a.b.c.d}, like go-multiaddr and rust.
 */
final class Ip6Codec implements ValueCodec {
    static final Ip6Codec INSTANCE = new Ip6Codec();
    /** The longest valid text form: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
    private static final int MAX_TEXT = 45;

    private Ip6Codec() {
    }

    @Override
    public byte[] parse(String text) {
        byte[] out = parseOrNull(text);
        if (out == null) {
            throw new DecodeException("ip6", "not an IPv6 address: " + Printable.quote(text));
        }
        return out;
    }

    private static byte[] parseOrNull(String s) {
        int n = s.length();
        if (n < 2 || n > MAX_TEXT) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands
        int i = 0;
        byte[] tail = null;
        if (s.charAt(0) == ':') {
            if (s.charAt(1) != ':') {
                return null;
            }
            gap = 0;
            i = 2;
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0 || s.charAt(i) > 'f') { // Character.digit accepts non-ASCII digits
                    break;
                }
                value = (value << 4) | d;
                i++;
                if (i - start > 4) {
                    break;
                }
            }
            if (i < n && s.charAt(i) == '.') {
                // A dotted-quad tail fills the last two groups.
                if (count > 6) {
                    return null;
                }
                tail = new byte[4];
                if (!Ip4Codec.parseInto(s, start, n, tail, 0)) {
                    return null;
                }
                i = n;
                count += 2;
                break;
            }
            if (i == start || i - start > 4 || count == 8) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == n) {
                return null; // a single trailing colon
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int hexGroups = tail == null ? count : count - 2;
        byte[] out = new byte[16];
        int zeros = 8 - count;
        int g = 0;
        for (int k = 0; k < hexGroups; k++) {
            if (k == gap) {
                g += zeros;
            }
            out[2 * g] = (byte) (groups[k] >>> 8);
            out[2 * g + 1] = (byte) groups[k];
            g++;
        }
        if (tail != null) {
            System.arraycopy(tail, 0, out, 12, 4);
        }
        return out;
    }

    @Override
    public String format(byte[] src, int o, int length) {
        StringBuilder b = new StringBuilder(39);
        if (isIpv4Mapped(src, o)) {
            b.append("::ffff:");
            Ip4Codec.appendTo(b, src, o + 12);
            return b.toString();
        }
        int[] groups = new int[8];
        for (int k = 0; k < 8; k++) {
            groups[k] = ((src[o + 2 * k] & 0xFF) << 8) | (src[o + 2 * k + 1] & 0xFF);
        }
        // RFC 5952 4.2: compress the longest run of two or more zero groups, the first on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; ) {
            if (groups[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && groups[k] == 0) {
                k++;
            }
            if (k - start > bestLen) {
                bestStart = start;
                bestLen = k - start;
            }
        }
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                b.append("::");
                k += bestLen - 1;
                continue;
            }
            if (k > 0 && k != bestStart + bestLen) {
                b.append(':');
            }
            b.append(Integer.toHexString(groups[k]));
        }
        return b.toString();
    }

    private static boolean isIpv4Mapped(byte[] src, int o) {
        for (int k = 0; k < 10; k++) {
            if (src[o + k] != 0) {
                return false;
            }
        }
        return src[o + 10] == (byte) 0xFF && src[o + 11] == (byte) 0xFF;
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        // Any 16 bytes are an IPv6 address; the length is checked by the caller.
    }
}
