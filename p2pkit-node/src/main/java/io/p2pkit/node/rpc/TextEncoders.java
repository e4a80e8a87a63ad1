package io.p2pkit.node.rpc;

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

    /** The new node's CID. */
    static String dagPut(RpcRequest req, Object v) {
        return field(field(v, "Cid"), "/") + "\n";
    }

    /** {@code pinned <cid> recursively} (or {@code directly}) per pin. */
    static String pinned(RpcRequest req, Object v) {
        String how = req.bool("recursive") ? "recursively" : "directly";
        StringBuilder b = new StringBuilder();
        list(v, "Pins").forEach(c -> b.append("pinned ").append(c).append(' ').append(how).append('\n'));
        return b.toString();
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
