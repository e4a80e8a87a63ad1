package io.p2pkit.node.gateway;

import java.util.Locale;
import java.util.Map;

/**
 * What a CAR request asks for (the trustless gateway spec): which blocks ({@code dag-scope}, and
 * for a file's entity the {@code entity-bytes} range), and how they are written ({@code order},
 * {@code dups}; version 1 only). Query parameters win over the Accept header's.
 *
 * @param scope the blocks below the path's end
 * @param from  the first byte of the file's range ({@code entity-bytes}); negative counts from the end
 * @param to    the last byte of the range, inclusive; negative counts from the end; null: to the end
 * @param dups  whether a block met twice is written twice
 * @param ranged whether {@code entity-bytes} was given
 */
record CarRequest(Scope scope, long from, Long to, boolean dups, boolean ranged) {
    /** {@code dag-scope}. */
    enum Scope {
        /** The path's blocks and the block it ends on. */
        BLOCK,
        /** Also what makes up the entity there: a file's blocks, a HAMT directory's shards. */
        ENTITY,
        /** Also the whole DAG below (the default). */
        ALL
    }

    /**
     * @param query  the request's parameters ({@code dag-scope}, {@code entity-bytes}, {@code car-dups}…)
     * @param accept the parameters of the Accept header's CAR media type
     * @throws GatewayException 400 for a value the spec does not define
     */
    static CarRequest parse(Map<String, String> query, Map<String, String> accept) {
        String version = query.getOrDefault("car-version", accept.get("version"));
        if (version != null && !version.equals("1")) {
            throw GatewayException.badRequest("unsupported CAR version " + version + ": only version=1 is served");
        }
        String order = query.getOrDefault("car-order", accept.getOrDefault("order", "dfs"));
        if (!order.equals("dfs") && !order.equals("unk")) {
            throw GatewayException.badRequest("unsupported CAR order \"" + order + "\": use dfs or unk");
        }
        String dups = query.getOrDefault("car-dups", accept.getOrDefault("dups", "n"));
        if (!dups.equals("y") && !dups.equals("n")) {
            throw GatewayException.badRequest("car dups must be y or n, not \"" + dups + "\"");
        }
        Scope scope;
        String s = query.getOrDefault("dag-scope", "all");
        try {
            scope = Scope.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("dag-scope must be block, entity or all, not \"" + s + "\"");
        }
        String bytes = query.get("entity-bytes");
        if (bytes == null) {
            return new CarRequest(scope, 0, null, dups.equals("y"), false);
        }
        int colon = bytes.indexOf(':');
        if (colon < 0) {
            throw GatewayException.badRequest("entity-bytes must be from:to, not \"" + bytes + "\"");
        }
        long from = number(bytes.substring(0, colon), bytes);
        String toText = bytes.substring(colon + 1);
        Long to = toText.equals("*") ? null : number(toText, bytes);
        if (from >= 0 && to != null && to >= 0 && to < from) {
            throw GatewayException.badRequest("entity-bytes " + bytes + " ends before it starts");
        }
        return new CarRequest(scope, from, to, dups.equals("y"), true);
    }

    private static long number(String text, String whole) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("entity-bytes must be from:to with integers or *, not \"" + whole + "\"");
        }
    }

    /** The Content-Type answered: what was actually written. */
    String contentType() {
        return "application/vnd.ipld.car; version=1; order=dfs; dups=" + (dups ? "y" : "n");
    }

    /**
     * The range of a file of {@code size} bytes this request covers, as {first, last} inclusive;
     * an empty range has last &lt; first.
     */
    long[] range(long size) {
        if (!ranged) {
            return new long[]{0, size - 1};
        }
        long first = from >= 0 ? from : Math.max(0, size + from);
        long last = to == null ? size - 1 : to >= 0 ? Math.min(to, size - 1) : size + to;
        return new long[]{first, last};
    }
}
