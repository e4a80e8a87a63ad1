package io.p2pkit.webrtc.signaling;

import io.p2pkit.core.DecodeException;
import io.p2pkit.webrtc.sdp.IceCandidate;

import java.util.Optional;

/**
 * The data of an ICE_CANDIDATE message: {@code RTCIceCandidate.toJSON()}, a flat JSON object
 * {@code {"candidate":"candidate:…","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"…"}}, or
 * {@code null} / {@code ""} for the end of candidates. Only the {@code candidate} member is read;
 * this is a reader for that shape, not a general JSON parser (nested values are refused).
 */
public final class CandidateJson {
    /** Largest candidate message data accepted. */
    public static final int MAX_LENGTH = 4096;

    private CandidateJson() {
    }

    /** The JSON js-libp2p sends for our candidate (mid {@code 0}, line index 0). */
    public static String encode(IceCandidate candidate, String mid, String ufrag) {
        return "{\"candidate\":\"" + candidate.toSdp() + "\",\"sdpMid\":\"" + mid
                + "\",\"sdpMLineIndex\":0,\"usernameFragment\":\"" + ufrag + "\"}";
    }

    /**
     * The candidate line in {@code json}; empty for the end of candidates ({@code null}, {@code ""},
     * a null or empty {@code candidate}).
     *
     * @throws DecodeException if it is not such an object
     */
    public static Optional<String> candidateLine(String json) {
        if (json.length() > MAX_LENGTH) {
            throw new DecodeException("candidate", "longer than " + MAX_LENGTH + " characters");
        }
        String s = json.strip();
        if (s.equals("null") || s.equals("\"\"") || s.isEmpty()) {
            return Optional.empty();
        }
        Cursor c = new Cursor(s);
        c.expect('{');
        String candidate = null;
        c.skipSpace();
        if (c.peek() == '}') {
            c.pos++;
        } else {
            while (true) {
                c.skipSpace();
                String name = c.string();
                c.skipSpace();
                c.expect(':');
                c.skipSpace();
                if (c.peek() == '"') {
                    String value = c.string();
                    if (name.equals("candidate")) {
                        candidate = value;
                    }
                } else {
                    c.scalar();
                }
                c.skipSpace();
                char next = c.next();
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw new DecodeException("candidate", "expected , or }");
                }
            }
        }
        c.skipSpace();
        if (c.pos != s.length()) {
            throw new DecodeException("candidate", "text after the object");
        }
        return candidate == null || candidate.isEmpty() ? Optional.empty() : Optional.of(candidate);
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        char peek() {
            if (pos >= s.length()) {
                throw new DecodeException("candidate", "unexpected end");
            }
            return s.charAt(pos);
        }

        char next() {
            char ch = peek();
            pos++;
            return ch;
        }

        void expect(char ch) {
            if (next() != ch) {
                throw new DecodeException("candidate", "expected " + ch);
            }
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char ch = next();
                if (ch == '"') {
                    return sb.toString();
                }
                if (ch != '\\') {
                    sb.append(ch);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new DecodeException("candidate", "short \\u escape");
                        }
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos++), 16);
                            if (d < 0) {
                                throw new DecodeException("candidate", "bad \\u escape");
                            }
                            v = v << 4 | d;
                        }
                        sb.append((char) v);
                    }
                    default -> throw new DecodeException("candidate", "bad escape");
                }
            }
        }

        /** A number, true, false or null: skipped. */
        void scalar() {
            int start = pos;
            while (pos < s.length() && "-+.0123456789eEtrufalsn".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            if (pos == start) {
                throw new DecodeException("candidate", "nested values are not expected");
            }
        }
    }
}
