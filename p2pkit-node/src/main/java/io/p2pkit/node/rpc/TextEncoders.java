package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.content.HumanBytes;
import io.p2pkit.node.multiformats.CidEncoder;
import io.p2pkit.node.multiformats.CodeLists;

import java.util.List;
import java.util.Map;

/** The texts Kubo's commands print, for {@code enc=text}: each takes the value the command wrote as JSON. */
final class TextEncoders {
    private TextEncoders() {
    }

    private static Object field(Object value, String name) {
        return value instanceof Map<?, ?> m ? m.get(name) : null;
    }

    /** A list field; empty in a value of another kind (a progress event). */
    private static List<?> list(Object value, String name) {
        return field(value, name) instanceof List<?> l ? l : List.of();
    }

    /** {@code ipfs version 0.39.0} */
    static String version(RpcRequest req, Object v) {
        return "ipfs version " + field(v, "Version") + "\n";
    }

    /** {@code Key: <cid>} and {@code Size: <n>} lines. */
    static String blockStat(RpcRequest req, Object v) {
        return "Key: " + field(v, "Key") + "\nSize: " + field(v, "Size") + "\n";
    }

    /** The new block's CID. */
    static String key(RpcRequest req, Object v) {
        return field(v, "Key") + "\n";
    }

    /** A {@code {"/":cid}} field's CID. */
    private static Cid link(Object v) {
        return Cid.parse(String.valueOf(field(v, "/")));
    }

    /** The new node's CID, by the low-level encoder (a base alone keeps CIDv0). */
    static String dagPut(RpcRequest req, Object v) {
        return req.lowLevelCidEncoder().encode(link(field(v, "Cid"))) + "\n";
    }

    /**
     * {@code dag resolve}'s {@code <cid>[/<rest>]}, no newline: without {@code cid-base}, the CID in
     * the argument's form (Kubo's encoder from the path), else (or when the argument starts with no
     * CID) by the low-level encoder.
     */
    static String dagResolve(RpcRequest req, Object v) {
        CidEncoder enc = req.cidBaseGiven() ? req.lowLevelCidEncoder()
                : CidEncoder.fromPath(req.argument(0)).orElseGet(req::lowLevelCidEncoder);
        String rest = String.valueOf(field(v, "RemPath"));
        String cid = enc.encode(link(field(v, "Cid")));
        return rest.isEmpty() ? cid : cid + "/" + rest;
    }

    /**
     * {@code dag import}'s lines: {@code Pinned root\t<cid>\tsuccess} per root (a root that failed to
     * pin ends the output with Kubo's error) and, with {@code stats}, the block count; nothing with
     * {@code silent}.
     */
    static String dagImport(RpcRequest req, Object v) {
        if (req.bool("silent")) {
            return "";
        }
        Object root = field(v, "Root");
        if (root == null) {
            Object stats = field(v, "Stats");
            if (stats == null) {
                throw RpcError.failed("unexpected message from DAG import");
            }
            return req.bool("stats") ? "Imported " + field(stats, "BlockCount") + " blocks ("
                    + field(stats, "BlockBytesCount") + " bytes)\n" : "";
        }
        String cid = req.lowLevelCidEncoder().encode(link(field(root, "Cid")));
        String error = String.valueOf(field(root, "PinErrorMsg"));
        if (!error.isEmpty()) {
            throw RpcError.failed("pinning root " + GoQuote.quote(cid) + " FAILED: " + error);
        }
        return "Pinned root\t" + cid + "\tsuccess\n";
    }

    /** {@code bitswap wantlist}: the CIDs a line, in their binary order, by the low-level encoder. */
    static String wantlist(RpcRequest req, Object v) {
        CidEncoder enc = req.lowLevelCidEncoder();
        StringBuilder b = new StringBuilder();
        sortedLinks(list(v, "Keys")).forEach(c -> b.append(enc.encode(c)).append('\n'));
        return b.toString();
    }

    /** go-cidutil's {@code Sort}: by the CIDs' bytes. */
    private static List<Cid> sortedLinks(List<?> links) {
        return links.stream().map(TextEncoders::link)
                .sorted((a, b) -> java.util.Arrays.compareUnsigned(a.bytes(), b.bytes())).toList();
    }

    /** {@code bitswap stat}'s status block; sizes as go-humanize with {@code human}, partners with {@code verbose}. */
    static String bitswapStat(RpcRequest req, Object v) {
        CidEncoder enc = req.lowLevelCidEncoder();
        boolean human = req.bool("human");
        java.util.function.Function<Object, String> size = n -> human ? HumanBytes.si(((Number) n).longValue())
                : String.valueOf(n);
        StringBuilder b = new StringBuilder("bitswap status\n");
        b.append("\tblocks received: ").append(field(v, "BlocksReceived")).append('\n');
        b.append("\tblocks sent: ").append(field(v, "BlocksSent")).append('\n');
        b.append("\tdata received: ").append(size.apply(field(v, "DataReceived"))).append('\n');
        b.append("\tdata sent: ").append(size.apply(field(v, "DataSent"))).append('\n');
        b.append("\tdup blocks received: ").append(field(v, "DupBlksReceived")).append('\n');
        b.append("\tdup data received: ").append(size.apply(field(v, "DupDataReceived"))).append('\n');
        List<?> wants = list(v, "Wantlist");
        b.append("\twantlist [").append(wants.size()).append(" keys]\n");
        wants.forEach(w -> b.append("\t\t").append(enc.encode(link(w))).append('\n'));
        List<?> peers = list(v, "Peers");
        b.append("\tpartners [").append(peers.size()).append("]\n");
        if (req.bool("verbose")) {
            peers.forEach(p -> b.append("\t\t").append(p).append('\n'));
        }
        return b.toString();
    }

    /** {@code pinned <cid> recursively} (or {@code directly}) per pin. */
    static String pinned(RpcRequest req, Object v) {
        String how = req.bool("recursive") ? "recursively" : "directly";
        StringBuilder b = new StringBuilder();
        list(v, "Pins").forEach(c -> b.append("pinned ").append(c).append(' ').append(how).append('\n'));
        return b.toString();
    }

    /**
     * {@code pin ls}: {@code <cid> <type>[ <name>]} per pin ({@code <cid>} alone with {@code quiet}),
     * from the one map or, with {@code stream}, one pin at a time.
     */
    static String pins(RpcRequest req, Object v) {
        StringBuilder b = new StringBuilder();
        if (req.bool("stream")) {
            pinLine(b, req.bool("quiet"), field(v, "Cid"), field(v, "Type"), field(v, "Name"));
        } else if (field(v, "Keys") instanceof Map<?, ?> keys) {
            keys.forEach((cid, pin) -> pinLine(b, req.bool("quiet"), cid, field(pin, "Type"), field(pin, "Name")));
        }
        return b.toString();
    }

    private static void pinLine(StringBuilder b, boolean quiet, Object cid, Object type, Object name) {
        b.append(cid);
        if (!quiet) {
            b.append(' ').append(type);
            if (name != null && !name.toString().isEmpty()) {
                b.append(' ').append(name);
            }
        }
        b.append('\n');
    }

    /** {@code unpinned <cid>} per pin. */
    static String unpinned(RpcRequest req, Object v) {
        StringBuilder b = new StringBuilder();
        list(v, "Pins").forEach(c -> b.append("unpinned ").append(c).append('\n'));
        return b.toString();
    }

    /** The new key's name ({@code k51…}). */
    static String keyId(RpcRequest req, Object v) {
        return field(v, "Id") + "\n";
    }

    /** One key name a line. */
    static String keyNames(RpcRequest req, Object v) {
        StringBuilder b = new StringBuilder();
        list(v, "Keys").forEach(k -> b.append(field(k, "Name")).append('\n'));
        return b.toString();
    }

    /** {@code Published to <name>: <path>} */
    static String published(RpcRequest req, Object v) {
        return "Published to " + field(v, "Name") + ": " + field(v, "Value") + "\n";
    }

    /** One ref ({@code refs}, {@code refs/local}); an error never gets here (the command ends with it). */
    static String ref(RpcRequest req, Object v) {
        return field(v, "Ref") + "\n";
    }

    /** The resolved path. */
    static String path(RpcRequest req, Object v) {
        return field(v, "Path") + "\n";
    }

    /** Kubo's text of a {@code {"Strings":…}} list: one a line, names that could break a line escaped. */
    static String lines(RpcRequest req, Object v) {
        StringBuilder b = new StringBuilder();
        list(v, "Strings").forEach(s -> b.append(io.p2pkit.node.cli.content.GoQuote.escNonPrint(String.valueOf(s))).append('\n'));
        return b.toString();
    }

    /** Kubo's text of {@code swarm addrs autonat}: the status, then the addresses by reachability. */
    static String autoNat(RpcRequest req, Object v) {
        StringBuilder b = new StringBuilder("AutoNAT V2 Status:\n  Reachability: ").append(field(v, "reachability")).append('\n');
        if (field(v, "nat") != null) {
            b.append("  NAT: ").append(field(v, "nat")).append('\n');
        }
        b.append("\nPer-Address Reachability:\n");
        boolean any = false;
        for (String[] section : new String[][] {{"reachable", "Reachable"}, {"unreachable", "Unreachable"}, {"unknown", "Unknown"}}) {
            List<?> addresses = list(v, section[0]);
            if (!addresses.isEmpty()) {
                any = true;
                b.append("  ").append(section[1]).append(":\n");
                addresses.forEach(a -> b.append("    ").append(a).append('\n'));
            }
        }
        if (!any) {
            b.append("  (no address reachability data available)\n");
        }
        return b.toString();
    }

    /** {@code NumObjects: 3}, {@code RepoSize:   29919}, … with the values in one column. */
    static String repoStat(RpcRequest req, Object v) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("NumObjects", "RepoSize", "StorageMax", "RepoPath", "Version")) {
            Object value = field(v, k);
            if (value != null) {
                b.append(String.format("%-12s%s\n", k + ":", value));
            }
        }
        return b.toString();
    }

    /** Go's {@code %v} of Kubo's {@code *CidFormatRes}, which has no text encoder: {@code &{cid formatted error}}, no newline. */
    static String cidFormatRes(RpcRequest req, Object v) {
        return "&{" + field(v, "CidStr") + " " + field(v, "Formatted") + " " + field(v, "ErrorMsg") + "}";
    }

    /** {@code updated <from> to <to>} */
    static String pinUpdated(RpcRequest req, Object v) {
        List<?> pins = list(v, "Pins");
        return pins.size() == 2 ? "updated " + pins.get(0) + " to " + pins.get(1) + "\n" : "";
    }

    /** The bases a line, after their prefix ({@code prefix}) and code ({@code numeric}). */
    static String bases(RpcRequest req, Object v) {
        return CodeLists.basesText(codeList(v), req.bool("prefix"), req.bool("numeric"));
    }

    /** The codecs or hash functions a line, after their code with {@code numeric}. */
    static String codes(RpcRequest req, Object v) {
        return CodeLists.codesText(codeList(v), req.bool("numeric"));
    }

    private static List<CodeLists.Code> codeList(Object v) {
        List<?> entries = v instanceof List<?> l ? l : List.of();
        return entries.stream().map(e -> new CodeLists.Code(
                ((Number) field(e, "Code")).longValue(), String.valueOf(field(e, "Name")))).toList();
    }
}
