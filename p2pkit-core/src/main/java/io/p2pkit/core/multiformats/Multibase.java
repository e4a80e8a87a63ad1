package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Multibase: text that names its own base encoding by its first character. Supports every
 * encoding the multibase test vectors cover.
 *
 * <p>Decoding is strict: unknown prefixes, characters outside the alphabet, wrong padding
 * (padded encodings need exactly the RFC 4648 padding, unpadded ones accept none) and
 * non-zero bits after the last byte are rejected with a {@link DecodeException} whose field is
 * {@code "multibase"}. The data of the base16, base32 and base36 families decode
 * case-insensitively, as the spec's {@code case_insensitivity} vectors require; the prefix
 * itself is always case-sensitive (it selects the encoding).
 *
 * <p>Size caps: at most {@link #MAX_ENCODED_LENGTH} characters are decoded. base10, base36
 * and base58 convert a big number, which costs time quadratic in the length, so they are
 * further limited to {@link #MAX_BASE_X_LENGTH} characters (and encode at most
 * {@link #MAX_BASE_X_BYTES} bytes); CIDs, keys and peer IDs are far below that.
 */
public final class Multibase {
    /** Longest multibase string {@link #decode(String)} accepts, in UTF-16 chars (1 MiB). */
    public static final int MAX_ENCODED_LENGTH = 1 << 20;
    /** Longest base10/base36/base58 string accepted, in chars, prefix included. */
    public static final int MAX_BASE_X_LENGTH = 16 * 1024;
    /** Most bytes base10/base36/base58 encode; their encodings stay under {@link #MAX_BASE_X_LENGTH}. */
    public static final int MAX_BASE_X_BYTES = 4 * 1024;

    private static final String RFC4648_BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String RFC4648_BASE32HEX = "0123456789abcdefghijklmnopqrstuv";
    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static final String BASE58BTC = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final String BASE58FLICKR = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    /** A multibase encoding with its prefix code point and its name in the multibase table. */
    public enum Encoding {
        /** The bytes themselves, one char per byte (ISO-8859-1), prefix U+0000. */
        IDENTITY(0x00, "identity"),
        BASE2('0', "base2"),
        BASE8('7', "base8"),
        BASE10('9', "base10"),
        BASE16('f', "base16"),
        BASE16_UPPER('F', "base16upper"),
        BASE32_HEX('v', "base32hex"),
        BASE32_HEX_UPPER('V', "base32hexupper"),
        BASE32_HEX_PAD('t', "base32hexpad"),
        BASE32_HEX_PAD_UPPER('T', "base32hexpadupper"),
        BASE32('b', "base32"),
        BASE32_UPPER('B', "base32upper"),
        BASE32_PAD('c', "base32pad"),
        BASE32_PAD_UPPER('C', "base32padupper"),
        BASE32_Z('h', "base32z"),
        BASE36('k', "base36"),
        BASE36_UPPER('K', "base36upper"),
        BASE58_BTC('z', "base58btc"),
        BASE58_FLICKR('Z', "base58flickr"),
        BASE64('m', "base64"),
        BASE64_PAD('M', "base64pad"),
        BASE64_URL('u', "base64url"),
        BASE64_URL_PAD('U', "base64urlpad"),
        BASE256_EMOJI(0x1F680, "base256emoji");

        private final int prefix;
        private final String multibaseName;

        Encoding(int prefix, String multibaseName) {
            this.prefix = prefix;
            this.multibaseName = multibaseName;
        }

        /** The prefix as a Unicode code point (a single char except for base256emoji). */
        public int prefix() {
            return prefix;
        }

        /** The prefix as a string. */
        public String prefixString() {
            return Character.toString(prefix);
        }

        /** The encoding's name in the multibase table, for example {@code "base32"}. */
        public String multibaseName() {
            return multibaseName;
        }

        /** The encoding with this multibase table name. */
        public static Encoding byName(String name) {
            for (Encoding e : values()) {
                if (e.multibaseName.equals(name)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown multibase encoding name: " + name);
        }

        /** The encoding with this prefix code point, or null. */
        static Encoding byPrefix(int codePoint) {
            for (Encoding e : values()) {
                if (e.prefix == codePoint) {
                    return e;
                }
            }
            return null;
        }
    }

    private static final BitGroupCodec B2 = bits("01", 1, false, false);
    private static final BitGroupCodec B8 = bits("01234567", 3, false, false);
    private static final BitGroupCodec B16 = bits("0123456789abcdef", 4, false, true);
    private static final BitGroupCodec B16U = bits("0123456789ABCDEF", 4, false, true);
    private static final BitGroupCodec B32 = bits(RFC4648_BASE32, 5, false, true);
    private static final BitGroupCodec B32U = bits(RFC4648_BASE32.toUpperCase(), 5, false, true);
    private static final BitGroupCodec B32P = bits(RFC4648_BASE32, 5, true, true);
    private static final BitGroupCodec B32PU = bits(RFC4648_BASE32.toUpperCase(), 5, true, true);
    private static final BitGroupCodec B32H = bits(RFC4648_BASE32HEX, 5, false, true);
    private static final BitGroupCodec B32HU = bits(RFC4648_BASE32HEX.toUpperCase(), 5, false, true);
    private static final BitGroupCodec B32HP = bits(RFC4648_BASE32HEX, 5, true, true);
    private static final BitGroupCodec B32HPU = bits(RFC4648_BASE32HEX.toUpperCase(), 5, true, true);
    // z-base-32 is not case-insensitive: its alphabet is lowercase only by definition.
    private static final BitGroupCodec B32Z = bits("ybndrfg8ejkmcpqxot1uwisza345h769", 5, false, false);
    private static final BitGroupCodec B64 = bits(BASE64, 6, false, false);
    private static final BitGroupCodec B64P = bits(BASE64, 6, true, false);
    private static final BitGroupCodec B64URL = bits(BASE64URL, 6, false, false);
    private static final BitGroupCodec B64URLP = bits(BASE64URL, 6, true, false);
    private static final BaseX X10 = new BaseX("multibase", "0123456789", false);
    private static final BaseX X36 = new BaseX("multibase", BASE36, true);
    private static final BaseX X36U = new BaseX("multibase", BASE36.toUpperCase(), true);
    static final BaseX X58BTC = new BaseX("multibase", BASE58BTC, false);
    private static final BaseX X58FLICKR = new BaseX("multibase", BASE58FLICKR, false);

    private static BitGroupCodec bits(String alphabet, int bitsPerChar, boolean padded, boolean caseInsensitive) {
        return new BitGroupCodec("multibase", alphabet, bitsPerChar, padded, caseInsensitive);
    }

    private Multibase() {
    }

    /**
     * Encodes {@code data} with {@code encoding}, prefix included.
     *
     * @throws IllegalArgumentException if a base10/base36/base58 input exceeds {@link #MAX_BASE_X_BYTES}
     */
    public static String encode(Encoding encoding, byte[] data) {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(data, "data");
        StringBuilder out = new StringBuilder(data.length * 2 + 2).appendCodePoint(encoding.prefix);
        switch (encoding) {
            case IDENTITY -> out.append(new String(data, StandardCharsets.ISO_8859_1));
            case BASE10, BASE36, BASE36_UPPER, BASE58_BTC, BASE58_FLICKR -> {
                if (data.length > MAX_BASE_X_BYTES) {
                    throw new IllegalArgumentException(encoding.multibaseName + " encodes at most "
                            + MAX_BASE_X_BYTES + " bytes, got " + data.length);
                }
                out.append(baseX(encoding).encode(data));
            }
            case BASE256_EMOJI -> Base256Emoji.encode(data, out);
            default -> bitGroup(encoding).encode(data, out);
        }
        return out.toString();
    }

    /**
     * Decodes a multibase string.
     *
     * @throws DecodeException if the prefix is unknown or the rest is not canonical in that encoding
     */
    public static byte[] decode(String text) {
        Encoding encoding = encodingOf(text);
        int from = Character.charCount(encoding.prefix);
        switch (encoding) {
            case IDENTITY -> {
                byte[] out = new byte[text.length() - from];
                for (int i = from; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c > 0xFF) {
                        throw new DecodeException("multibase", "identity multibase holds only chars up to U+00FF, got "
                                + BitGroupCodec.describe(c) + " at " + (i - from));
                    }
                    out[i - from] = (byte) c;
                }
                return out;
            }
            case BASE10, BASE36, BASE36_UPPER, BASE58_BTC, BASE58_FLICKR -> {
                if (text.length() > MAX_BASE_X_LENGTH) {
                    throw new DecodeException("multibase", encoding.multibaseName + " text longer than "
                            + MAX_BASE_X_LENGTH + " chars");
                }
                return baseX(encoding).decode(text, from);
            }
            case BASE256_EMOJI -> {
                return Base256Emoji.decode(text, from);
            }
            default -> {
                return bitGroup(encoding).decode(text, from);
            }
        }
    }

    /**
     * The encoding a multibase string declares by its prefix. Checks the overall size cap but
     * not the rest of the text.
     *
     * @throws DecodeException if the text is empty, too long or has an unknown prefix
     */
    public static Encoding encodingOf(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new DecodeException("multibase", "empty string has no prefix");
        }
        if (text.length() > MAX_ENCODED_LENGTH) {
            throw new DecodeException("multibase", "longer than " + MAX_ENCODED_LENGTH + " chars");
        }
        int cp = text.codePointAt(0);
        Encoding e = Encoding.byPrefix(cp);
        if (e == null) {
            throw new DecodeException("multibase", "unknown or unsupported prefix " + BitGroupCodec.describe(cp));
        }
        return e;
    }

    private static BaseX baseX(Encoding e) {
        return switch (e) {
            case BASE10 -> X10;
            case BASE36 -> X36;
            case BASE36_UPPER -> X36U;
            case BASE58_BTC -> X58BTC;
            case BASE58_FLICKR -> X58FLICKR;
            default -> throw new AssertionError(e);
        };
    }

    private static BitGroupCodec bitGroup(Encoding e) {
        return switch (e) {
            case BASE2 -> B2;
            case BASE8 -> B8;
            case BASE16 -> B16;
            case BASE16_UPPER -> B16U;
            case BASE32 -> B32;
            case BASE32_UPPER -> B32U;
            case BASE32_PAD -> B32P;
            case BASE32_PAD_UPPER -> B32PU;
            case BASE32_HEX -> B32H;
            case BASE32_HEX_UPPER -> B32HU;
            case BASE32_HEX_PAD -> B32HP;
            case BASE32_HEX_PAD_UPPER -> B32HPU;
            case BASE32_Z -> B32Z;
            case BASE64 -> B64;
            case BASE64_PAD -> B64P;
            case BASE64_URL -> B64URL;
            case BASE64_URL_PAD -> B64URLP;
            default -> throw new AssertionError(e);
        };
    }
}
