package io.p2pkit.webrtc.sdp;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The part of an SDP offer or answer (RFC 8866, RFC 8839, RFC 8841, RFC 8842) that WebRTC data
 * channels need: one {@code m=application … UDP/DTLS/SCTP webrtc-datachannel} section with its
 * ICE credentials, the DTLS certificate's SHA-256 fingerprint, the DTLS role, the SCTP port and
 * the largest message, and the candidates written into it. {@link #parse} accepts what browsers
 * send (attributes at session or media level, unknown lines ignored); {@link #toSdp} writes a
 * description a browser accepts.
 *
 * @param ufrag          ICE username fragment
 * @param password       ICE password
 * @param fingerprint    SHA-256 multihash of the DTLS certificate
 * @param setup          {@code actpass} (offers), {@code active} or {@code passive}
 * @param mid            the media section's identification tag (the answer repeats the offer's)
 * @param sctpPort       the SCTP port (5000 unless said otherwise)
 * @param maxMessageSize the largest message the sender of this description receives (0: no limit)
 * @param candidates     candidates written in the description (trickled ones come separately)
 */
public record SessionDescription(String ufrag, String password, Multihash fingerprint, Setup setup, String mid,
                                 int sctpPort, long maxMessageSize, List<IceCandidate> candidates) {
    /** Largest description accepted, in characters. */
    public static final int MAX_LENGTH = 64 * 1024;
    /** Most lines accepted. */
    public static final int MAX_LINES = 1024;
    /** Most candidates kept from one description. */
    public static final int MAX_CANDIDATES = 32;
    /** The SCTP port RFC 8841 names as default. */
    public static final int DEFAULT_SCTP_PORT = 5000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The DTLS role attribute (RFC 4145, RFC 8842). */
    public enum Setup {
        /** Either role: what an offer says. */
        ACTPASS,
        /** DTLS client. */
        ACTIVE,
        /** DTLS server. */
        PASSIVE;

        String sdp() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the fields and copies the candidates. */
    public SessionDescription {
        Objects.requireNonNull(ufrag, "ufrag");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(mid, "mid");
        candidates = List.copyOf(candidates);
    }

    /**
     * Parses a description.
     *
     * @throws DecodeException if it is too long, malformed, has no data channel section, or lacks
     *                         ICE credentials or a SHA-256 fingerprint
     */
    public static SessionDescription parse(String sdp) {
        if (sdp.length() > MAX_LENGTH) {
            throw new DecodeException("sdp", "longer than " + MAX_LENGTH + " characters");
        }
        String[] lines = sdp.split("\r?\n", MAX_LINES + 1);
        if (lines.length > MAX_LINES) {
            throw new DecodeException("sdp", "more than " + MAX_LINES + " lines");
        }
        if (lines.length == 0 || !lines[0].startsWith("v=0")) {
            throw new DecodeException("sdp", "does not start with v=0");
        }
        String ufrag = null;
        String password = null;
        Multihash fingerprint = null;
        Setup setup = null;
        String mid = null;
        int sctpPort = DEFAULT_SCTP_PORT;
        long maxMessageSize = 65536; // RFC 8841 §6.1: what to assume when the attribute is missing
        List<IceCandidate> candidates = new ArrayList<>();
        int media = 0;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new DecodeException("sdp", "a line is not <type>=<value>");
            }
            if (line.startsWith("m=")) {
                media++;
                if (media > 1) {
                    throw new DecodeException("sdp", "more than one media section");
                }
                String[] m = line.substring(2).split(" ");
                if (m.length < 4 || !m[0].equals("application") || !m[2].equals("UDP/DTLS/SCTP")
                        || !m[3].equals("webrtc-datachannel")) {
                    throw new DecodeException("sdp", "the media section is not UDP/DTLS/SCTP webrtc-datachannel");
                }
                continue;
            }
            if (!line.startsWith("a=")) {
                continue;
            }
            String attr = line.substring(2);
            int colon = attr.indexOf(':');
            String name = colon < 0 ? attr : attr.substring(0, colon);
            String value = colon < 0 ? "" : attr.substring(colon + 1).strip();
            switch (name) {
                case "ice-ufrag" -> ufrag = value;
                case "ice-pwd" -> password = value;
                case "fingerprint" -> {
                    Multihash f = parseFingerprint(value);
                    if (f != null && fingerprint == null) {
                        fingerprint = f;
                    }
                }
                case "setup" -> setup = parseSetup(value);
                case "mid" -> {
                    if (media == 1) {
                        mid = value;
                    }
                }
                case "sctp-port" -> sctpPort = (int) number(value, 1, 65535, "sctp-port");
                case "max-message-size" -> maxMessageSize = number(value, 0, Long.MAX_VALUE / 2, "max-message-size");
                case "candidate" -> {
                    if (candidates.size() < MAX_CANDIDATES) {
                        IceCandidate.parse(attr).ifPresent(candidates::add);
                    }
                }
                default -> {
                    // other attributes (group, ice-options, msid-semantic, extmap-allow-mixed, …) do not matter here
                }
            }
        }
        if (media == 0) {
            throw new DecodeException("sdp", "no media section");
        }
        if (ufrag == null || password == null || ufrag.isEmpty() || password.isEmpty()
                || ufrag.length() > 256 || password.length() > 256) {
            throw new DecodeException("sdp", "missing or bad ice-ufrag / ice-pwd");
        }
        if (fingerprint == null) {
            throw new DecodeException("sdp", "no sha-256 fingerprint");
        }
        return new SessionDescription(ufrag, password, fingerprint, setup == null ? Setup.ACTPASS : setup,
                mid == null ? "0" : mid, sctpPort, maxMessageSize, candidates);
    }

    /** {@code sha-256 AB:CD:…} as a multihash; null for another hash function (ignored). */
    static Multihash parseFingerprint(String value) {
        int space = value.indexOf(' ');
        if (space < 0) {
            throw new DecodeException("sdp", "fingerprint is not <hash> <hex>");
        }
        if (!value.substring(0, space).equalsIgnoreCase("sha-256")) {
            return null;
        }
        String hex = value.substring(space + 1).strip();
        if (hex.length() != 32 * 3 - 1) {
            throw new DecodeException("sdp", "a sha-256 fingerprint has 32 bytes");
        }
        byte[] digest = new byte[32];
        for (int i = 0; i < 32; i++) {
            if (i > 0 && hex.charAt(i * 3 - 1) != ':') {
                throw new DecodeException("sdp", "fingerprint bytes are separated by colons");
            }
            int hi = Character.digit(hex.charAt(i * 3), 16);
            int lo = Character.digit(hex.charAt(i * 3 + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new DecodeException("sdp", "fingerprint is not hex");
            }
            digest[i] = (byte) (hi << 4 | lo);
        }
        return Multihash.of(Multicodec.SHA2_256, digest);
    }

    private static Setup parseSetup(String value) {
        return switch (value) {
            case "actpass" -> Setup.ACTPASS;
            case "active" -> Setup.ACTIVE;
            case "passive" -> Setup.PASSIVE;
            default -> throw new DecodeException("sdp", "unknown setup " + value);
        };
    }

    private static long number(String value, long min, long max, String field) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            throw new DecodeException("sdp", "bad " + field);
        }
        long v = Long.parseLong(value);
        if (v < min || v > max) {
            throw new DecodeException("sdp", field + " out of range");
        }
        return v;
    }

    /** Writes the description (CRLF line ends, candidates followed by end-of-candidates). */
    public String toSdp() {
        StringBuilder sb = new StringBuilder(1024);
        long session = RANDOM.nextLong() & Long.MAX_VALUE;
        line(sb, "v=0");
        line(sb, "o=- " + session + " 2 IN IP4 127.0.0.1");
        line(sb, "s=-");
        line(sb, "t=0 0");
        line(sb, "a=group:BUNDLE " + mid);
        line(sb, "a=msid-semantic: WMS");
        line(sb, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
        line(sb, "c=IN IP4 0.0.0.0");
        line(sb, "a=mid:" + mid);
        line(sb, "a=ice-ufrag:" + ufrag);
        line(sb, "a=ice-pwd:" + password);
        line(sb, "a=fingerprint:sha-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(fingerprint.digest()));
        line(sb, "a=setup:" + setup.sdp());
        line(sb, "a=sctp-port:" + sctpPort);
        if (maxMessageSize > 0) {
            line(sb, "a=max-message-size:" + maxMessageSize);
        }
        for (IceCandidate c : candidates) {
            line(sb, "a=" + c.toSdp());
        }
        line(sb, "a=end-of-candidates");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append("\r\n");
    }
}
