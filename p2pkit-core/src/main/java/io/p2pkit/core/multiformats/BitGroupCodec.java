package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;

import java.util.Arrays;

/**
 * The RFC 4648 family of encodings, where every character carries a fixed number of bits
 * (1 for base2, 3 for base8, 4 for base16, 5 for base32, 6 for base64), most significant bit
 * first. Decoding is strict: a canonical string has exactly {@code ceil(8n / bits)} data
 * characters, zero bits after the last byte, and, for the padded forms, exactly the padding
 * RFC 4648 prescribes.
 */
final class BitGroupCodec {
    private static final char PAD = '=';

    private final String field;
    private final char[] alphabet;
    private final int bitsPerChar;
    private final boolean padded;
    /** Characters per padded block: 8 for base32, 4 for base64; 0 when unpadded. */
    private final int blockChars;
    private final byte[] values = new byte[128];

    BitGroupCodec(String field, String alphabet, int bitsPerChar, boolean padded, boolean caseInsensitive) {
        this.field = field;
        this.alphabet = alphabet.toCharArray();
        this.bitsPerChar = bitsPerChar;
        this.padded = padded;
        this.blockChars = padded ? lcm(8, bitsPerChar) / bitsPerChar : 0;
        Arrays.fill(values, (byte) -1);
        for (int i = 0; i < this.alphabet.length; i++) {
            char c = this.alphabet[i];
            values[c] = (byte) i;
            if (caseInsensitive) {
                values[Character.toLowerCase(c)] = (byte) i;
                values[Character.toUpperCase(c)] = (byte) i;
            }
        }
    }

    private static int lcm(int a, int b) {
        int x = a, y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    /** The number of characters {@code byteCount} bytes encode to, padding included. */
    long encodedLength(long byteCount) {
        long chars = (byteCount * 8 + bitsPerChar - 1) / bitsPerChar;
        if (padded && chars % blockChars != 0) {
            chars += blockChars - chars % blockChars;
        }
        return chars;
    }

    void encode(byte[] data, StringBuilder out) {
        int mask = (1 << bitsPerChar) - 1;
        int buffer = 0;
        int bits = 0;
        int written = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= bitsPerChar) {
                bits -= bitsPerChar;
                out.append(alphabet[(buffer >>> bits) & mask]);
                written++;
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            out.append(alphabet[(buffer << (bitsPerChar - bits)) & mask]);
            written++;
        }
        if (padded) {
            while (written % blockChars != 0) {
                out.append(PAD);
                written++;
            }
        }
    }

    /** Decodes {@code text[from..text.length())}. */
    byte[] decode(String text, int from) {
        int end = text.length();
        if (padded) {
            while (end > from && text.charAt(end - 1) == PAD) {
                end--;
            }
        }
        int chars = end - from;
        long totalBits = (long) chars * bitsPerChar;
        int leftover = (int) (totalBits % 8);
        if (leftover >= bitsPerChar) {
            throw new DecodeException(field, "invalid length: " + chars + " characters cannot be canonical");
        }
        if (padded && encodedLength(totalBits / 8) != text.length() - from) {
            throw new DecodeException(field, "wrong padding");
        }
        byte[] out = new byte[(int) (totalBits / 8)];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = from; i < end; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? values[c] : -1;
            if (v < 0) {
                throw new DecodeException(field, "invalid character " + describe(c) + " at " + (i - from));
            }
            buffer = (buffer << bitsPerChar) | v;
            bits += bitsPerChar;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (buffer >>> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        if (buffer != 0) {
            throw new DecodeException(field, "non-zero trailing bits");
        }
        return out;
    }

    static String describe(int c) {
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }
}
