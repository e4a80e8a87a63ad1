package io.p2pkit.node.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Percent-encoding of URL path segments and query values, and decoding of request paths. */
final class UrlPaths {
    private static final String HEX = "0123456789ABCDEF";

    private UrlPaths() {
    }

    /** {@code segment} escaped for a URL path, as Go's {@code url.PathEscape}. */
    static String escapeSegment(String segment) {
        return escape(segment, "-._~!$&'()*+,;=:@");
    }

    /** {@code value} escaped for a query value, as Go's {@code url.QueryEscape} (space as %20). */
    static String escapeQuery(String value) {
        return escape(value, "-._~");
    }

    /** {@code /ipfs/<cid>} followed by each segment escaped. */
    static String join(String prefix, List<String> segments) {
        StringBuilder b = new StringBuilder(prefix);
        for (String s : segments) {
            b.append('/').append(escapeSegment(s));
        }
        return b.toString();
    }

    private static String escape(String text, String safe) {
        StringBuilder b = new StringBuilder(text.length());
        for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || safe.indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 15));
            }
        }
        return b.toString();
    }

    /**
     * The segments of an encoded request path, each percent-decoded (so an encoded {@code %2F}
     * stays inside its segment); empty segments are dropped.
     *
     * @throws GatewayException 400 for a malformed escape or bytes that are not UTF-8
     */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(decode(part));
            }
        }
        return out;
    }

    private static String decode(String part) {
        if (part.indexOf('%') < 0) {
            return part;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%') {
                int hi = i + 2 < part.length() ? Character.digit(part.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(part.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw GatewayException.badRequest("malformed percent-escape in the path");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw GatewayException.badRequest("the path is not UTF-8");
        }
    }
}
