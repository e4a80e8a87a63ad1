package io.p2pkit.node.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * One range of a {@code Range: bytes=…} header, resolved against the entity's size. A header
 * with several satisfiable ranges is answered with all of them as {@code multipart/byteranges};
 * ranges that overlap are not served (the whole entity is: RFC 9110 §14.2 lets a server ignore
 * Range, and that bounds what one request can make the server send).
 *
 * @param first the first byte, inclusive
 * @param last  the last byte, inclusive
 */
record ByteRange(long first, long last) {
    /** Range lists longer than this are not looked at (a header of thousands is an attack, not a client). */
    private static final int MAX_RANGES = 100;

    long length() {
        return last - first + 1;
    }

    /**
     * @param header the Range header, or null
     * @param size   the entity's size
     * @return the satisfiable ranges in the header's order, or empty to send the whole entity (no
     *         header, not bytes, malformed, or overlapping ranges: RFC 9110 says to ignore a Range
     *         header that cannot be parsed)
     * @throws GatewayException 416 when no range of the header is satisfiable
     */
    static List<ByteRange> parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=")) {
            return List.of();
        }
        String[] specs = header.substring(6).split(",", MAX_RANGES + 1);
        if (specs.length > MAX_RANGES) {
            throw new GatewayException(416, "more than " + MAX_RANGES + " ranges");
        }
        List<ByteRange> out = new ArrayList<>();
        for (String spec : specs) {
            String s = spec.trim();
            int dash = s.indexOf('-');
            if (dash < 0) {
                return List.of();
            }
            try {
                long first;
                long last;
                if (dash == 0) {
                    long suffix = Long.parseLong(s.substring(1));
                    first = Math.max(0, size - suffix);
                    last = size - 1;
                    if (suffix == 0) {
                        continue;
                    }
                } else {
                    first = Long.parseLong(s.substring(0, dash));
                    String end = s.substring(dash + 1);
                    last = end.isEmpty() ? size - 1 : Math.min(Long.parseLong(end), size - 1);
                    if (!end.isEmpty() && Long.parseLong(end) < first) {
                        return List.of();
                    }
                }
                if (first < 0 || last < 0) {
                    return List.of();
                }
                if (first < size) {
                    out.add(new ByteRange(first, last));
                }
            } catch (NumberFormatException e) {
                return List.of();
            }
        }
        if (out.isEmpty()) {
            throw new GatewayException(416, "no satisfiable range in \"" + header + "\" for " + size + " bytes");
        }
        for (int i = 0; i < out.size(); i++) {
            for (int j = i + 1; j < out.size(); j++) {
                if (out.get(i).first() <= out.get(j).last() && out.get(j).first() <= out.get(i).last()) {
                    return List.of();
                }
            }
        }
        return out;
    }
}
