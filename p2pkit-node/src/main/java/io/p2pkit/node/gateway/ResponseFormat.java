package io.p2pkit.node.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a request asks the gateway for: a response type from {@code ?format=} or else from the
 * {@code Accept} header (the query wins, as the path gateway spec says), with the media type's
 * parameters ({@code application/vnd.ipld.car; order=dfs; dups=y}).
 *
 * @param type   the response type
 * @param params the parameters given with the media type in {@code Accept}, lower-cased names
 * @param explicit whether the client named the type (by {@code ?format=} or a specific {@code Accept})
 */
record ResponseFormat(Type type, Map<String, String> params, boolean explicit) {
    /** The response types the gateway knows. */
    enum Type {
        /** No explicit type: deserialised UnixFS, or the block's own codec. */
        DEFAULT(null, null),
        RAW("raw", "application/vnd.ipld.raw"),
        CAR("car", "application/vnd.ipld.car"),
        TAR("tar", "application/x-tar"),
        DAG_JSON("dag-json", "application/vnd.ipld.dag-json"),
        DAG_CBOR("dag-cbor", "application/vnd.ipld.dag-cbor"),
        JSON("json", "application/json"),
        CBOR("cbor", "application/cbor"),
        IPNS_RECORD("ipns-record", "application/vnd.ipfs.ipns-record");

        private final String format;
        private final String mediaType;

        Type(String format, String mediaType) {
            this.format = format;
            this.mediaType = mediaType;
        }

        /** The {@code ?format=} value. */
        String format() {
            return format;
        }

        /** The media type answered. */
        String mediaType() {
            return mediaType;
        }
    }

    /** One media range of an Accept header. */
    private record MediaRange(String type, Map<String, String> params, double q, int order) {
    }

    /**
     * @param format the {@code format} query parameter, or null
     * @param accept the {@code Accept} header, or null
     * @throws GatewayException 400 for an unknown {@code format}
     */
    static ResponseFormat negotiate(String format, String accept) {
        List<MediaRange> ranges = parseAccept(accept);
        if (format != null && !format.isEmpty()) {
            for (Type t : Type.values()) {
                if (t != Type.DEFAULT && t.format.equals(format)) {
                    // ?format=car still takes order, dups and version from a matching Accept.
                    Map<String, String> params = ranges.stream().filter(r -> r.type.equals(t.mediaType)).findFirst()
                            .map(MediaRange::params).orElse(Map.of());
                    return new ResponseFormat(t, params, true);
                }
            }
            throw GatewayException.badRequest("unsupported format \"" + format + "\": use raw, car, tar, dag-json, "
                    + "dag-cbor, json, cbor or ipns-record");
        }
        for (MediaRange r : ranges) {
            if (r.q <= 0) {
                continue;
            }
            for (Type t : Type.values()) {
                if (t != Type.DEFAULT && t.mediaType.equals(r.type)) {
                    return new ResponseFormat(t, r.params, true);
                }
            }
            if (r.type.equals("application/x-ndjson") || r.type.equals("text/html") || r.type.equals("*/*")) {
                break;
            }
        }
        return new ResponseFormat(Type.DEFAULT, Map.of(), false);
    }

    /** Whether the Accept header prefers HTML (a browser), for the HTML view of DAG-JSON and DAG-CBOR. */
    static boolean wantsHtml(String accept) {
        Optional<MediaRange> first = parseAccept(accept).stream().filter(r -> r.q > 0).findFirst();
        return first.isPresent() && first.get().type.equals("text/html");
    }

    /** The media ranges of {@code accept}, best first (by q, then as written). */
    private static List<MediaRange> parseAccept(String accept) {
        List<MediaRange> ranges = new ArrayList<>();
        if (accept == null || accept.isBlank()) {
            return ranges;
        }
        String[] parts = accept.split(",");
        // A header of thousands of ranges is not a real client's: only the first 64 are read.
        for (int i = 0; i < Math.min(parts.length, 64); i++) {
            String[] fields = parts[i].split(";");
            String type = fields[0].trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            double q = 1;
            for (int j = 1; j < fields.length; j++) {
                int eq = fields[j].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = fields[j].substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = fields[j].substring(eq + 1).trim().replace("\"", "");
                if (name.equals("q")) {
                    q = quality(value);
                } else {
                    params.put(name, value.toLowerCase(Locale.ROOT));
                }
            }
            ranges.add(new MediaRange(type, params, q, i));
        }
        ranges.sort(Comparator.comparingDouble((MediaRange r) -> -r.q).thenComparingInt(r -> r.order));
        return ranges;
    }

    private static double quality(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 1; // a malformed weight does not exclude the type
        }
    }
}
