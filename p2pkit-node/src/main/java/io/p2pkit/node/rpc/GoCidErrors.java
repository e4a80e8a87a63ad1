package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Base58;
import io.p2pkit.core.multiformats.Multibase;

import java.util.Locale;

/**
 * go-cid's {@code Decode} errors, which Kubo's {@code invalid path "…": …} carries, for the ways a
 * CID's text goes wrong that people meet (cut short, mistyped): Kubo's words where go-cid's steps
 * are followed here, p2pkit's own after {@code invalid cid: } otherwise.
 */
final class GoCidErrors {
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String INVALID = "invalid cid: ";

    private GoCidErrors() {
    }

    /**
     * @param text  a CID's text that p2pkit could not parse
     * @param cause why p2pkit could not
     * @return go-cid's message for it
     */
    static String of(String text, IllegalArgumentException cause) {
        String fallback = INVALID + cause.getMessage();
        if (text.length() < 2) {
            return INVALID + "cid too short";
        }
        if (text.length() == 46 && text.startsWith("Qm")) {
            try {
                Base58.decode(text);
            } catch (IllegalArgumentException e) {
                return INVALID + "input isn't valid multihash";
            }
            return fallback;
        }
        Multibase.Encoding encoding;
        byte[] data;
        try {
            encoding = Multibase.encodingOf(text);
        } catch (IllegalArgumentException e) {
            return INVALID + "selected encoding not supported";
        }
        try {
            data = Multibase.decode(text);
        } catch (IllegalArgumentException e) {
            if (text.charAt(0) == 'f' || text.charAt(0) == 'F') {
                return INVALID + hexError(text.substring(1));
            }
            if (encoding != Multibase.Encoding.BASE32 && encoding != Multibase.Encoding.BASE32_UPPER) {
                return fallback;
            }
            String alphabet = encoding == Multibase.Encoding.BASE32 ? BASE32 : BASE32.toUpperCase(Locale.ROOT);
            int bad = firstOutside(text.substring(1), alphabet);
            if (bad >= 0) {
                return INVALID + "illegal base32 data at input byte " + bad;
            }
            data = base32(text.substring(1), alphabet);
        }
        String cast = cast(data);
        return cast == null ? fallback : INVALID + cast;
    }

    /**
     * go-libp2p's {@code peer.Decode} error, after {@code failed to parse peer ID: }: a base58
     * multihash when the text starts with {@code Qm} or {@code 1}, else a CID.
     *
     * @param text  a peer ID's text that p2pkit could not parse
     * @param cause why p2pkit could not
     */
    static String ofPeerId(String text, IllegalArgumentException cause) {
        if (!text.startsWith("Qm") && !text.startsWith("1")) {
            return of(text, cause);
        }
        byte[] data;
        try {
            data = Base58.decode(text);
        } catch (IllegalArgumentException e) {
            return "input isn't valid multihash";
        }
        if (data.length < 2) {
            return "multihash too short. must be >= 2 bytes";
        }
        int[] at = {0};
        try {
            uvarint(data, at); // the hash function
            long length = uvarint(data, at);
            if (length > data.length - at[0]) {
                return "length greater than remaining number of bytes in buffer";
            }
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        return cause.getMessage();
    }

    /** Go's {@code hex.DecodeString} error for text that is not hex (the first bad byte, else the odd length). */
    private static String hexError(String hex) {
        for (int i = 0; i + 1 < hex.length(); i += 2) {
            for (char c : new char[] {hex.charAt(i), hex.charAt(i + 1)}) {
                if (Character.digit(c, 16) < 0) {
                    return invalidByte(c);
                }
            }
        }
        if (hex.length() % 2 == 1) {
            char last = hex.charAt(hex.length() - 1);
            return Character.digit(last, 16) < 0 ? invalidByte(last) : "encoding/hex: odd length hex string";
        }
        return "encoding/hex: invalid input";
    }

    private static String invalidByte(char c) {
        String quoted = c >= 0x20 && c < 0x7f ? "'" + (c == '\\' || c == '\'' ? "\\" + c : String.valueOf(c)) + "'"
                : String.format("'\\x%02x'", (int) c);
        return String.format("encoding/hex: invalid byte: U+%04X %s", (int) c, quoted);
    }

    private static int firstOutside(String s, String alphabet) {
        for (int i = 0; i < s.length(); i++) {
            if (alphabet.indexOf(s.charAt(i)) < 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The bytes go-base32 (unpadded) reads from {@code s}: whole 5-bit groups as they come, and a
     * last group of 1, 3 or 6 characters gives nothing, where p2pkit refuses such text.
     */
    private static byte[] base32(String s, String alphabet) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int q = 0; q < s.length(); q += 8) {
            int n = Math.min(8, s.length() - q);
            int bytes = switch (n) {
                case 2 -> 1;
                case 4 -> 2;
                case 5 -> 3;
                case 7 -> 4;
                case 8 -> 5;
                default -> 0;
            };
            long bits = 0;
            for (int j = 0; j < 8; j++) {
                bits = bits << 5 | (j < n ? alphabet.indexOf(s.charAt(q + j)) : 0);
            }
            for (int k = 0; k < bytes; k++) {
                out.write((int) (bits >>> (32 - 8 * k)) & 0xFF);
            }
        }
        return out.toByteArray();
    }

    /** go-cid's {@code Cast}: what it says of these bytes, or null when it would take them. */
    private static String cast(byte[] data) {
        int[] at = {0};
        try {
            if (data.length > 2 && data[0] == 0x12 && data[1] == 32) {
                if (data.length < 34) {
                    return INVALID + "not enough bytes for cid v0";
                }
                at[0] = 34;
            } else {
                long version = uvarint(data, at);
                if (version != 1) {
                    return INVALID + "expected 1 as the cid version number, got: " + version;
                }
                uvarint(data, at); // the codec
                if (data.length - at[0] < 2) {
                    return INVALID + "multihash too short. must be >= 2 bytes";
                }
                uvarint(data, at); // the hash function
                long length = uvarint(data, at);
                if (length > data.length - at[0]) {
                    return INVALID + "length greater than remaining number of bytes in buffer";
                }
                at[0] += (int) length;
            }
        } catch (IllegalStateException e) {
            return INVALID + e.getMessage();
        }
        return at[0] == data.length ? null : "trailing bytes in data buffer passed to cid Cast";
    }

    /** go-varint's {@code FromUvarint}, failing with its messages. */
    private static long uvarint(byte[] buf, int[] at) {
        long x = 0;
        int shift = 0;
        for (int i = 0; at[0] + i < buf.length; i++) {
            int b = buf[at[0] + i] & 0xFF;
            if ((i == 8 && b >= 0x80) || i >= 9) {
                throw new IllegalStateException("varints larger than uint63 not supported");
            }
            if (b < 0x80) {
                if (b == 0 && shift > 0) {
                    throw new IllegalStateException("varint not minimally encoded");
                }
                at[0] += i + 1;
                return x | ((long) b << shift);
            }
            x |= (long) (b & 0x7F) << shift;
            shift += 7;
        }
        throw new IllegalStateException("varints malformed, could not reach the end");
    }
}
