package io.p2pkit.core.multiaddr;

import java.util.Arrays;

/**
 * Unpadded RFC 4648 base32 with the lower-case alphabet, as Tor and I2P addresses use it.
 * Decoding accepts only alphabet characters and a length that whole bytes can produce; non-zero
 * trailing bits are refused unless the caller tolerates them (go-multiaddr ignores them in
 * garlic32 addresses and its test vectors rely on that).
 */
final class Base32Text {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    private Base32Text() {
    }

    static String encode(byte[] src, int offset, int length) {
        StringBuilder b = new StringBuilder((length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (int i = offset; i < offset + length; i++) {
            buffer = (buffer << 8) | (src[i] & 0xFF);
            bits += 8;
            while (bits >= 5) {
                b.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            b.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return b.toString();
    }

    /**
     * Decodes {@code text[from, to)}; upper-case letters and non-zero trailing bits are accepted
     * only when asked for.
     *
     * @return the bytes, or null when the text is not canonical base32
     */
    static byte[] decode(String text, int from, int to, boolean ignoreCase, boolean ignoreTrailingBits) {
        int chars = to - from;
        int rem = chars % 8;
        if (rem == 1 || rem == 3 || rem == 6) {
            return null;
        }
        byte[] out = new byte[chars * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (ignoreCase && c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                return null;
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if (!ignoreTrailingBits && (buffer & ((1 << bits) - 1)) != 0) {
            return null;
        }
        return out;
    }
}
