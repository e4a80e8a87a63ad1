package io.p2pkit.websocket;

import io.p2pkit.core.DecodeException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The head of an HTTP/1.1 request or response (start line and header fields), as exchanged in
 * the WebSocket opening handshake. Header names are kept lower-case; repeated fields are joined
 * with {@code ", "} as RFC 9110 allows. Parsing is strict where leniency could be abused (line
 * folding, control characters, a size cap) and lenient about bare LF line ends.
 *
 * @param startLine the request line ({@code GET / HTTP/1.1}) or status line ({@code HTTP/1.1 101 …})
 * @param headers   header fields by lower-case name, in arrival order
 */
record HttpHead(String startLine, Map<String, String> headers) {
    /** The largest head accepted. */
    public static final int MAX_BYTES = 8192;
    /** The most header fields accepted. */
    public static final int MAX_FIELDS = 64;

    /** Copies the header map. */
    public HttpHead {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The value of header {@code name} (any case). */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Whether header {@code name} holds {@code token} in its comma-separated list (any case). */
    public boolean hasToken(String name, String token) {
        return header(name).map(v -> {
            for (String t : v.split(",")) {
                if (t.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
            return false;
        }).orElse(false);
    }

    /**
     * Reads a head from {@code in}, up to and including the empty line that ends it, and not one
     * byte further (what follows is WebSocket frames).
     *
     * @throws DecodeException when the head is malformed or longer than {@link #MAX_BYTES}
     * @throws EOFException    when the stream ends first
     */
    public static HttpHead read(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_BYTES];
        int n = 0;
        int lineStart = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended inside the HTTP handshake");
            }
            if (n == buf.length) {
                throw new DecodeException("http", "head longer than " + MAX_BYTES + " bytes");
            }
            buf[n++] = (byte) b;
            if (b == '\n') {
                int lineLength = n - 1 - lineStart;
                // An empty line (CRLF or bare LF) ends the head, as parse() reads it.
                if (lineLength == 0 || (lineLength == 1 && buf[lineStart] == '\r')) {
                    return parse(java.util.Arrays.copyOf(buf, n));
                }
                lineStart = n;
            }
        }
    }

    /**
     * Parses a complete head (ending with an empty line).
     *
     * @throws DecodeException when it is malformed
     */
    public static HttpHead parse(byte[] head) {
        if (head.length > MAX_BYTES) {
            throw new DecodeException("http", "head longer than " + MAX_BYTES + " bytes");
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
                lines.add(text.substring(start, end));
                start = i + 1;
            }
        }
        if (start != text.length() || lines.size() < 2 || !lines.get(lines.size() - 1).isEmpty()) {
            throw new DecodeException("http", "head does not end with an empty line");
        }
        String startLine = lines.get(0);
        if (startLine.isEmpty()) {
            throw new DecodeException("http", "empty start line");
        }
        checkText(startLine, "start line");
        Map<String, String> headers = new LinkedHashMap<>();
        int fields = 0;
        for (int i = 1; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                throw new DecodeException("http", "bytes after the empty line that ends the head");
            }
            if (++fields > MAX_FIELDS) {
                throw new DecodeException("http", "more than " + MAX_FIELDS + " header fields");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new DecodeException("http", "folded header line");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new DecodeException("http", "header line without a name: " + printable(line));
            }
            String name = line.substring(0, colon);
            for (int c = 0; c < name.length(); c++) {
                if (!isTokenChar(name.charAt(c))) {
                    throw new DecodeException("http", "bad character in header name " + printable(name));
                }
            }
            String value = line.substring(colon + 1).strip();
            checkText(value, "header " + name);
            // Empty list elements carry nothing (RFC 9110 section 5.6.1): never join them in.
            headers.merge(name.toLowerCase(Locale.ROOT), value,
                    (a, b) -> a.isEmpty() ? b : b.isEmpty() ? a : a + ", " + b);
        }
        return new HttpHead(startLine, headers);
    }

    /** The head as bytes, with CRLF line ends, ready to send. */
    public byte[] encode() {
        StringBuilder sb = new StringBuilder(startLine).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void checkText(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw new DecodeException("http", "control character in " + printable(what));
            }
        }
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        StringBuilder sb = new StringBuilder("'");
        for (char c : cut.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.append('\'').toString();
    }
}
