package io.p2pkit.node.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The Content-Type of a UnixFS file, as boxo picks it: from the name's extension when it is a
 * known one, else sniffed from the first bytes (a subset of the WHATWG sniffing Go implements).
 */
final class ContentTypes {
    /** How many bytes sniffing looks at. */
    static final int SNIFF_BYTES = 512;

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("xml", "text/xml; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/vnd.microsoft.icon"), Map.entry("pdf", "application/pdf"),
            Map.entry("wasm", "application/wasm"), Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"),
            Map.entry("car", "application/vnd.ipld.car"), Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"), Map.entry("csv", "text/csv; charset=utf-8"));

    private static final String[] HTML_TAGS = {"<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1",
        "<DIV", "<FONT", "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--"};

    private ContentTypes() {
    }

    /** The type a name's extension says, or null when it says nothing known. */
    static String byName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return null;
        }
        return BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * The type sniffed from a file's first bytes (up to {@link #SNIFF_BYTES}).
     *
     * @param complete whether {@code head} is the whole file (JSON is recognised only then, by parsing it)
     */
    static String sniff(byte[] head, boolean complete) {
        int start = 0;
        while (start < head.length && (head[start] == ' ' || head[start] == '\t' || head[start] == '\n'
                || head[start] == '\r' || head[start] == '\f')) {
            start++;
        }
        String text = new String(head, start, Math.min(head.length - start, 64), StandardCharsets.ISO_8859_1);
        String upper = text.toUpperCase(Locale.ROOT);
        for (String tag : HTML_TAGS) {
            if (upper.startsWith(tag) && upper.length() > tag.length()
                    && (upper.charAt(tag.length()) == ' ' || upper.charAt(tag.length()) == '>')) {
                return "text/html; charset=utf-8";
            }
        }
        if (complete && (text.startsWith("{") || text.startsWith("[")) && isJson(head)) {
            return "application/json";
        }
        if (text.startsWith("<?xml")) {
            return "text/xml; charset=utf-8";
        }
        if (startsWith(head, "%PDF-")) {
            return "application/pdf";
        }
        if (startsWith(head, "\u0089PNG\r\n\u001a\n")) {
            return "image/png";
        }
        if (head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        if (startsWith(head, "GIF87a") || startsWith(head, "GIF89a")) {
            return "image/gif";
        }
        if (startsWith(head, "RIFF") && head.length >= 12 && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP")) {
            return "image/webp";
        }
        if (startsWith(head, "PK\u0003\u0004")) {
            return "application/zip";
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return "application/x-gzip";
        }
        if (startsWith(head, "\u0000asm")) {
            return "application/wasm";
        }
        for (byte b : head) {
            int c = b & 0xff;
            // Go's rule: a control byte other than whitespace and ESC makes the data binary.
            if (c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) {
                return "application/octet-stream";
            }
        }
        return "text/plain; charset=utf-8";
    }

    private static boolean isJson(byte[] data) {
        try {
            io.p2pkit.ipfs.codec.dagjson.DagJson.DEFAULT.decode(data);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // DecodeException: not JSON (or JSON that DAG-JSON refuses, which stays text)
        }
    }

    private static boolean startsWith(byte[] head, String magic) {
        if (head.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((head[i] & 0xff) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
