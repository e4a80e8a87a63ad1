package io.p2pkit.node.gateway;

/**
 * The first range of a {@code Range: bytes=…} header, resolved against the entity's size. A
 * request for several ranges is answered with the first alone (RFC 9110 lets a server do that,
 * and Kubo does the same), so no multipart body is ever built.
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
     * @return the range to send, or null to send the whole entity (no header, not bytes, or malformed:
     *         RFC 9110 says to ignore a Range header that cannot be parsed)
     * @throws GatewayException 416 when no range of the header is satisfiable
     */
    static ByteRange parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=")) {
            return null;
        }
        String[] specs = header.substring(6).split(",", MAX_RANGES + 1);
        if (specs.length > MAX_RANGES) {
            throw new GatewayException(416, "more than " + MAX_RANGES + " ranges");
        }
        for (String spec : specs) {
            String s = spec.trim();
            int dash = s.indexOf('-');
            if (dash < 0) {
                return null;
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
                        return null;
                    }
                }
                if (first < 0 || last < 0) {
                    return null;
                }
                if (first < size) {
                    return new ByteRange(first, last);
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        throw new GatewayException(416, "no satisfiable range in \"" + header + "\" for " + size + " bytes");
    }
}
