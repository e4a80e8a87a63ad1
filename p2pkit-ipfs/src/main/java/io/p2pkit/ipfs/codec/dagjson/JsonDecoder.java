package io.p2pkit.ipfs.codec.dagjson;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.BoolNode;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.FloatNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.NullNode;
import io.p2pkit.ipfs.ipld.StringNode;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one DAG-JSON document: RFC 8259 JSON, strictly (no comments, trailing commas, leading
 * zeros, bare control characters, unpaired surrogates or invalid UTF-8), plus the DAG-JSON rules:
 * no repeated map keys, {@code {"/": "<cid>"}} is a link and {@code {"/": {"bytes": "<base64>"}}}
 * is bytes. Whitespace and key order are not checked: they are layout, not data. One decoder per
 * document; not thread-safe.
 */
final class JsonDecoder {
    private static final int MAX_INTEGER_DIGITS = 20; // 2^64 has 20 digits

    private final byte[] buf;
    private final int end;
    private final Limits limits;
    private int pos;
    private int nodes;
    private CharsetDecoder utf8;

    JsonDecoder(byte[] buf, Limits limits) {
        this.buf = buf;
        this.end = buf.length;
        this.limits = limits;
    }

    Node readDocument() {
        if (buf.length > limits.maxBlockSize()) {
            throw new DecodeException("dag-json", "block of " + buf.length + " bytes exceeds the cap of " + limits.maxBlockSize());
        }
        Node n = value(0);
        skipWhitespace();
        if (pos != end) {
            throw error(pos, "unexpected " + describe(pos) + " after the top-level value");
        }
        return n;
    }

    private Node value(int depth) {
        if (++nodes > limits.maxNodes()) {
            throw error(pos, "more than " + limits.maxNodes() + " nodes");
        }
        skipWhitespace();
        if (pos >= end) {
            throw error(pos, "input ends where a value was expected");
        }
        return switch (buf[pos]) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> new StringNode(string());
            case 't' -> literal("true", BoolNode.TRUE);
            case 'f' -> literal("false", BoolNode.FALSE);
            case 'n' -> literal("null", NullNode.INSTANCE);
            default -> {
                byte c = buf[pos];
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error(pos, "unexpected " + describe(pos));
            }
        };
    }

    private Node literal(String word, Node value) {
        int n = word.length();
        if (end - pos < n) {
            throw error(pos, "unexpected " + describe(pos));
        }
        for (int i = 0; i < n; i++) {
            if (buf[pos + i] != word.charAt(i)) {
                throw error(pos, "unexpected " + describe(pos));
            }
        }
        pos += n;
        return value;
    }

    private Node array(int depth) {
        int start = pos;
        enter(start, depth);
        pos++; // '['
        skipWhitespace();
        if (pos < end && buf[pos] == ']') {
            pos++;
            return ListNode.EMPTY;
        }
        List<Node> items = new ArrayList<>();
        while (true) {
            items.add(value(depth + 1));
            skipWhitespace();
            if (pos >= end) {
                throw error(pos, "input ends inside a list");
            }
            byte c = buf[pos++];
            if (c == ']') {
                return new ListNode(items);
            }
            if (c != ',') {
                throw error(pos - 1, "expected ',' or ']' in a list, found " + describe(pos - 1));
            }
        }
    }

    private Node object(int depth) {
        int start = pos;
        enter(start, depth);
        pos++; // '{'
        skipWhitespace();
        if (pos < end && buf[pos] == '}') {
            pos++;
            return MapNode.EMPTY;
        }
        MapNode.Builder b = MapNode.builder();
        Set<String> seen = new HashSet<>();
        String onlyKey = null;
        Node onlyValue = null;
        int count = 0;
        while (true) {
            skipWhitespace();
            int keyAt = pos;
            if (pos >= end || buf[pos] != '"') {
                throw error(pos, "expected a string key in a map, found " + describe(pos));
            }
            String key = string();
            if (!seen.add(key)) {
                throw error(keyAt, "repeat map key \"" + key + "\"");
            }
            skipWhitespace();
            if (pos >= end || buf[pos] != ':') {
                throw error(pos, "expected ':' after a map key, found " + describe(pos));
            }
            pos++;
            ++nodes;
            Node value = value(depth + 1);
            b.put(key, value);
            onlyKey = key;
            onlyValue = value;
            count++;
            skipWhitespace();
            if (pos >= end) {
                throw error(pos, "input ends inside a map");
            }
            byte c = buf[pos++];
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw error(pos - 1, "expected ',' or '}' in a map, found " + describe(pos - 1));
            }
        }
        if (count == 1 && onlyKey.equals("/")) {
            Node special = special(start, onlyValue);
            if (special != null) {
                return special;
            }
        }
        return b.build();
    }

    /** The link or bytes a {@code {"/": …}} map stands for, or null when it is an ordinary map. */
    private static Node special(int at, Node value) {
        if (value instanceof StringNode s) {
            try {
                return new Link(Cid.parse(s.value()));
            } catch (IllegalArgumentException e) {
                throw error(at, "{\"/\": \"" + abbreviate(s.value()) + "\"} is not a valid CID link: " + e.getMessage());
            }
        }
        if (value instanceof MapNode m && m.size() == 1
                && m.get("bytes").orElse(null) instanceof StringNode s) {
            return BytesNode.wrap(base64(at, s.value()));
        }
        return null;
    }

    private static byte[] base64(int at, String text) {
        if (text.indexOf('=') >= 0) {
            throw error(at, "bytes must be base64 without padding");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw error(at, "bytes are not valid base64: " + e.getMessage());
        }
    }

    private Node number() {
        int start = pos;
        boolean negative = buf[pos] == '-';
        if (negative) {
            pos++;
        }
        int intStart = pos;
        if (pos < end && buf[pos] == '0') {
            pos++;
        } else if (pos < end && buf[pos] >= '1' && buf[pos] <= '9') {
            while (pos < end && isDigit(buf[pos])) {
                pos++;
            }
        } else {
            throw error(start, "a number needs digits");
        }
        int intDigits = pos - intStart;
        boolean isFloat = false;
        if (pos < end && buf[pos] == '.') {
            pos++;
            if (!digits()) {
                throw error(start, "a decimal point must be followed by digits");
            }
            isFloat = true;
        }
        if (pos < end && (buf[pos] == 'e' || buf[pos] == 'E')) {
            pos++;
            if (pos < end && (buf[pos] == '+' || buf[pos] == '-')) {
                pos++;
            }
            if (!digits()) {
                throw error(start, "an exponent needs digits");
            }
            isFloat = true;
        }
        if (pos < end && isDigit(buf[pos])) {
            throw error(start, "numbers may not have leading zeros");
        }
        String text = new String(buf, start, pos - start, StandardCharsets.ISO_8859_1);
        if (isFloat) {
            double d = Double.parseDouble(text);
            if (!Double.isFinite(d)) {
                throw error(start, "float " + abbreviate(text) + " is out of range");
            }
            return new FloatNode(d);
        }
        if (intDigits <= 18) {
            return IntNode.of(Long.parseLong(text));
        }
        if (intDigits > MAX_INTEGER_DIGITS) {
            throw error(start, "integer " + abbreviate(text) + " is outside -2^64 .. 2^64-1");
        }
        try {
            return IntNode.of(new BigInteger(text));
        } catch (IllegalArgumentException e) {
            throw error(start, "integer " + text + " is outside -2^64 .. 2^64-1");
        }
    }

    private boolean digits() {
        int from = pos;
        while (pos < end && isDigit(buf[pos])) {
            pos++;
        }
        return pos > from;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private String string() {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            if (pos >= end) {
                throw error(start, "string is not closed");
            }
            byte c = buf[pos];
            if (c == '"') {
                String s = sb == null ? ascii(runStart, pos) : sb.append(ascii(runStart, pos)).toString();
                pos++;
                return s;
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(ascii(runStart, pos));
                escape(sb);
                runStart = pos;
            } else if (c < 0) {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(ascii(runStart, pos));
                int from = pos;
                while (pos < end && buf[pos] < 0) {
                    pos++;
                }
                // A UTF-8 sequence is all bytes >= 0x80, so a run of them holds whole characters.
                sb.append(utf8(from, pos));
                runStart = pos;
            } else if (c < 0x20) {
                throw error(pos, "control character 0x" + Integer.toHexString(c) + " must be escaped in a string");
            } else {
                pos++;
            }
        }
    }

    private void escape(StringBuilder sb) {
        int at = pos;
        if (end - pos < 2) {
            throw error(at, "string ends inside an escape");
        }
        byte e = buf[pos + 1];
        pos += 2;
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char c = hex4(at);
                if (Character.isHighSurrogate(c)) {
                    if (end - pos >= 6 && buf[pos] == '\\' && buf[pos + 1] == 'u') {
                        pos += 2;
                        char low = hex4(at);
                        if (!Character.isLowSurrogate(low)) {
                            throw error(at, "unpaired surrogate \\u" + Integer.toHexString(c) + " in a string");
                        }
                        sb.append(c).append(low);
                        return;
                    }
                    throw error(at, "unpaired surrogate \\u" + Integer.toHexString(c) + " in a string");
                }
                if (Character.isLowSurrogate(c)) {
                    throw error(at, "unpaired surrogate \\u" + Integer.toHexString(c) + " in a string");
                }
                sb.append(c);
            }
            default -> throw error(at, "invalid escape \\" + (e >= 0x20 && e < 0x7F ? String.valueOf((char) e) : "0x" + Integer.toHexString(e & 0xFF)));
        }
    }

    private char hex4(int at) {
        if (end - pos < 4) {
            throw error(at, "string ends inside a \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(buf[pos++], 16);
            if (d < 0) {
                throw error(at, "\\u must be followed by four hex digits");
            }
            v = (v << 4) | d;
        }
        return (char) v;
    }

    private String ascii(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private String utf8(int from, int to) {
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            return utf8.reset().decode(ByteBuffer.wrap(buf, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw error(from, "invalid UTF-8");
        }
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = buf[pos];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                pos++;
            } else {
                return;
            }
        }
    }

    private void enter(int at, int depth) {
        if (depth >= limits.maxDepth()) {
            throw error(at, "nested deeper than " + limits.maxDepth() + " levels");
        }
    }

    private String describe(int at) {
        if (at >= end) {
            return "end of input";
        }
        int c = buf[at] & 0xFF;
        return c >= 0x21 && c < 0x7F ? "'" + (char) c + "'" : "byte 0x" + Integer.toHexString(c);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static DecodeException error(int at, String message) {
        return new DecodeException("dag-json", "at byte " + at + ": " + message);
    }
}
