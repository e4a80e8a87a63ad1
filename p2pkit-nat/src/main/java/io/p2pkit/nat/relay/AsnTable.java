package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which autonomous system (ASN) an IP address belongs to, by longest prefix match over a table of
 * IPv4 and IPv6 prefixes, for the relay's per-ASN reservation limit. go-libp2p embeds a table of
 * IPv6 prefixes (go-libp2p-asn-util) and applies the limit only to addresses it finds there; this
 * one is what the operator gives (empty by default, so no address has an ASN and only the per-IP
 * limit applies), read from a file of {@code PREFIX ASN} lines such as a RouteViews
 * {@code pfx2as} or iptoasn.com export reduced to those two columns:
 *
 * <pre>{@code
 * # prefix          ASN
 * 203.0.113.0/24    64500
 * 2001:db8::/32     64501
 * }</pre>
 *
 * Immutable and safe to share.
 */
public final class AsnTable {
    /** Most prefixes a table holds (a full IPv4 and IPv6 routing table has about 1.2 million). */
    public static final int MAX_PREFIXES = 2_000_000;
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final AsnTable EMPTY = new AsnTable(Map.of(), new int[0]);

    /** Masked address bytes (hex) and length, e.g. {@code cb007100/24} → ASN. */
    private final Map<String, Integer> prefixes;
    /** The prefix lengths present, longest first, so a lookup tries only those. */
    private final int[] lengths;

    private AsnTable(Map<String, Integer> prefixes, int[] lengths) {
        this.prefixes = prefixes;
        this.lengths = lengths;
    }

    /** A table that knows no address (the default: no per-ASN limit applies). */
    public static AsnTable empty() {
        return EMPTY;
    }

    /**
     * A table of {@code prefix → ASN}, e.g. {@code Map.of("203.0.113.0/24", 64500)}.
     *
     * @throws IllegalArgumentException for a prefix that is not an IP literal with a length, or an ASN
     *         outside 1‥4294967294 (ASNs are unsigned 32-bit; 0 means "unknown")
     */
    public static AsnTable of(Map<String, Long> table) {
        Builder b = new Builder();
        table.forEach(b::add);
        return b.build();
    }

    /** Collects checked entries; IPv4 lengths are kept apart from IPv6 ones (IPv6 as 1000 + length). */
    private static final class Builder {
        private final Map<String, Integer> prefixes = new LinkedHashMap<>();
        private final TreeSet<Integer> lengths = new TreeSet<>();

        void add(String prefix, long asn) {
            if (prefixes.size() >= MAX_PREFIXES) {
                throw new IllegalArgumentException("more than " + MAX_PREFIXES + " prefixes");
            }
            if (asn < 1 || asn > 0xFFFF_FFFEL) {
                throw new IllegalArgumentException("ASN " + asn + " of " + abbreviate(prefix));
            }
            String[] p = prefix.split("/", -1);
            if (p.length != 2) {
                throw new IllegalArgumentException("not PREFIX/LENGTH: " + abbreviate(prefix));
            }
            byte[] ip = literal(p[0]);
            int length;
            try {
                length = Integer.parseInt(p[1]);
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("prefix length of " + abbreviate(prefix), x);
            }
            if (length < 0 || length > ip.length * 8) {
                throw new IllegalArgumentException("prefix length of " + abbreviate(prefix));
            }
            prefixes.put(key(ip, length), (int) asn);
            lengths.add(ip.length == 4 ? length : 1000 + length);
        }

        AsnTable build() {
            return new AsnTable(Map.copyOf(prefixes),
                    lengths.descendingSet().stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /**
     * Reads a table of {@code PREFIX ASN} lines (blank lines and {@code #} comments skipped; an
     * {@code AS} before the number is allowed).
     *
     * @throws DecodeException naming the line when one cannot be read
     * @throws IOException     when the file cannot be read
     */
    public static AsnTable load(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r.lines().toList());
        }
    }

    /** Parses {@code PREFIX ASN} lines, as {@link #load} reads them. */
    public static AsnTable parse(List<String> lines) {
        Builder table = new Builder();
        int n = 0;
        for (String line : lines) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = SPACE.split(t);
            if (f.length != 2) {
                throw new DecodeException("asn.line", "line " + n + ": not 'PREFIX ASN'");
            }
            String asn = f[1].regionMatches(true, 0, "AS", 0, 2) ? f[1].substring(2) : f[1];
            try {
                table.add(f[0], Long.parseLong(asn));
            } catch (NumberFormatException e) {
                throw new DecodeException("asn.line", "line " + n + ": ASN '" + abbreviate(f[1]) + "'", e);
            } catch (IllegalArgumentException e) {
                throw new DecodeException("asn.line", "line " + n + ": " + e.getMessage(), e);
            }
        }
        return table.build();
    }

    /** The ASN of the longest prefix holding {@code ip}, or 0 when no prefix does. */
    public long asnOf(InetAddress ip) {
        byte[] b = ip.getAddress();
        for (int keyed : lengths) {
            boolean v4 = keyed < 1000;
            if (v4 != (b.length == 4)) {
                continue;
            }
            Integer asn = prefixes.get(key(b, v4 ? keyed : keyed - 1000));
            if (asn != null) {
                return Integer.toUnsignedLong(asn);
            }
        }
        return 0;
    }

    /** How many prefixes the table holds. */
    public int size() {
        return prefixes.size();
    }

    private static String key(byte[] ip, int length) {
        byte[] masked = ip.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.clamp(length - i * 8L, 0, 8);
            masked[i] &= (byte) (0xFF00 >>> keep);
        }
        return HexFormat.of().formatHex(masked) + "/" + length;
    }

    /** An IPv4 or IPv6 literal, never a name (no DNS lookup). */
    private static byte[] literal(String s) {
        if (s.isEmpty() || !(s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)))
                || s.chars().anyMatch(c -> !(c == '.' || c == ':' || Character.digit(c, 16) >= 0))) {
            throw new IllegalArgumentException("not an IP literal: " + abbreviate(s));
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + abbreviate(s), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AsnTable t && t.prefixes.equals(prefixes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefixes);
    }

    @Override
    public String toString() {
        return "AsnTable(" + prefixes.size() + " prefixes)";
    }
}
