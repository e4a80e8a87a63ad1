package io.p2pkit.webrtc.ice;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * An ICE username fragment and password. In libp2p WebRTC-direct v1 the dialer picks one random
 * string with the prefix {@code libp2p+webrtc+v1/} and both sides use it as ufrag and password;
 * the listener learns it from the first binding request's USERNAME, so no SDP is exchanged.
 *
 * @param ufrag    the username fragment
 * @param password the password, whose UTF-8 bytes key MESSAGE-INTEGRITY
 */
public record IceCredentials(String ufrag, String password) {
    /** The ufrag prefix of WebRTC-direct v1 (SDP munging: ufrag == password). */
    public static final String PREFIX_V1 = "libp2p+webrtc+v1/";
    /** The ufrag prefix of WebRTC-direct v2 (the dialer's password rides in the listener's ufrag). */
    public static final String PREFIX_V2 = "libp2p+webrtc+v2/";

    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Checks both are valid ICE strings (RFC 8839 §5.4). */
    public IceCredentials {
        if (!isIceString(ufrag, 4) || !isIceString(password, 22)) {
            throw new IllegalArgumentException("not a valid ICE ufrag or password");
        }
    }

    /** Fresh v1 credentials for one dial: {@code libp2p+webrtc+v1/} and 32 random ice-chars, twice. */
    public static IceCredentials randomV1() {
        String s = PREFIX_V1 + randomIceChars(32);
        return new IceCredentials(s, s);
    }

    /**
     * Fresh v2 dialer credentials: an unprefixed random ufrag and password of 32 ice-chars each, as
     * a browser picks them; the listener learns the password from {@link #v2Listener()}.
     */
    public static IceCredentials randomV2() {
        return new IceCredentials(randomIceChars(32), randomIceChars(32));
    }

    /**
     * The listener's credentials a v2 dialer with these credentials uses: ufrag and password are
     * both {@code libp2p+webrtc+v2/<this password>}.
     */
    public IceCredentials v2Listener() {
        String s = PREFIX_V2 + password;
        return new IceCredentials(s, s);
    }

    private static String randomIceChars(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length())));
        }
        return sb.toString();
    }

    /** The MESSAGE-INTEGRITY key: the password's bytes (ice-chars are ASCII, so SASLprep is the identity). */
    public byte[] key() {
        return password.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code s} has {@code min}..256 characters, all ice-chars (ALPHA / DIGIT / "+" / "/"). */
    static boolean isIceString(String s, int min) {
        if (s == null || s.length() < min || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (ICE_CHARS.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
