package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

import java.util.Arrays;

/**
 * I2P base64 destinations: padded base64 with I2P's alphabet ({@code -} and {@code ~} for the
 * last two digits), at least 386 bytes, as go-multiaddr requires. Decoding is strict (correct
 * padding, zero trailing bits).
 */
final class Garlic64Codec implements ValueCodec {
    static final Garlic64Codec INSTANCE = new Garlic64Codec();
    private static final int MIN_BYTES = 386;
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~".toCharArray();
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    private Garlic64Codec() {
    }

    @Override
    public byte[] parse(String text) {
        byte[] b = decode(text);
        if (b == null) {
            throw new DecodeException("garlic64", "not I2P base64: " + Printable.quote(text));
        }
        validate(b, 0, b.length);
        return b;
    }

    private static byte[] decode(String s) {
        int n = s.length();
        if (n == 0 || n % 4 != 0) {
            return null;
        }
        int pad = s.charAt(n - 1) == '=' ? (s.charAt(n - 2) == '=' ? 2 : 1) : 0;
        int chars = n - pad;
        byte[] out = new byte[chars * 6 / 8];
        int buffer = 0;
        int bits = 0;
        int k = 0;
        for (int i = 0; i < chars; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                return null;
            }
            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8) {
                out[k++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            return null;
        }
        return out;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        StringBuilder b = new StringBuilder((length + 2) / 3 * 4);
        int i = offset;
        int end = offset + length;
        for (; i + 3 <= end; i += 3) {
            int v = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8 | (src[i + 2] & 0xFF);
            b.append(ALPHABET[v >>> 18]).append(ALPHABET[(v >>> 12) & 63])
                    .append(ALPHABET[(v >>> 6) & 63]).append(ALPHABET[v & 63]);
        }
        int rest = end - i;
        if (rest == 1) {
            int v = (src[i] & 0xFF) << 16;
            b.append(ALPHABET[v >>> 18]).append(ALPHABET[(v >>> 12) & 63]).append("==");
        } else if (rest == 2) {
            int v = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8;
            b.append(ALPHABET[v >>> 18]).append(ALPHABET[(v >>> 12) & 63])
                    .append(ALPHABET[(v >>> 6) & 63]).append('=');
        }
        return b.toString();
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        if (length < MIN_BYTES) {
            throw new DecodeException("garlic64", "destination must be at least " + MIN_BYTES + " bytes, got " + length);
        }
    }
}
