package io.p2pkit.node.multiformats;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.core.multiformats.Multicodec;

/**
 * Kubo's {@code ipfs cid format -f} strings (go-cidutil's {@code Format}): {@code %s} the CID in
 * the chosen base, {@code %b}/{@code %B} the base's name and prefix, {@code %v}/{@code %V} the
 * version, {@code %c}/{@code %C} the codec's name and code, {@code %h}/{@code %H} the hash
 * function's, {@code %L} the digest length, {@code %m}/{@code %M} the multihash and
 * {@code %d}/{@code %D} the digest in the base (with and without its prefix), {@code %S} the CID
 * without the prefix, {@code %P} the prefix {@code cidv1-raw-sha2-256-32}, {@code %%} a percent
 * sign.
 */
public final class CidFormatter {
    /** The format string itself is wrong: no CID can be formatted with it. */
    public static final class FormatStringException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        FormatStringException(String message) {
            super(message);
        }
    }

    private CidFormatter() {
    }

    /**
     * @param format the format string
     * @param base   the multibase for {@code %s}, {@code %m}, {@code %d} …
     * @param cid    the CID
     * @return the formatted text
     * @throws FormatStringException    for a specifier that does not exist, or a format ending in {@code %}
     * @throws IllegalArgumentException when the CID cannot be written so (a CIDv0 in another base than base58btc)
     */
    static String format(String format, Encoding base, Cid cid) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= format.length()) {
                throw new FormatStringException("premature end of format string");
            }
            switch (format.charAt(i)) {
                case '%' -> out.append('%');
                case 'b' -> out.append(base.multibaseName());
                case 'B' -> out.append(base.prefixString());
                case 'v' -> out.append("cidv").append(cid.version());
                case 'V' -> out.append(cid.version());
                case 'c' -> out.append(Multicodec.nameOf(cid.codec()));
                case 'C' -> out.append(cid.codec());
                case 'h' -> out.append(Multicodec.nameOf(cid.multihash().code()));
                case 'H' -> out.append(cid.multihash().code());
                case 'L' -> out.append(cid.multihash().length());
                case 'm', 'M' -> out.append(encode(base, cid.multihash().bytes(), format.charAt(i) == 'M'));
                case 'd', 'D' -> out.append(encode(base, cid.multihash().digest(), format.charAt(i) == 'D'));
                case 's' -> out.append(string(cid, base));
                case 'S' -> out.append(encode(base, cid.bytes(), true));
                case 'P' -> out.append("cidv").append(cid.version()).append('-').append(Multicodec.nameOf(cid.codec()))
                        .append('-').append(Multicodec.nameOf(cid.multihash().code())).append('-')
                        .append(cid.multihash().length());
                default -> throw new FormatStringException("unrecognized specifier in format string: %" + format.charAt(i));
            }
        }
        return out.toString();
    }

    /** The CID's text in {@code base}; a CIDv0 has only its base58btc form. */
    private static String string(Cid cid, Encoding base) {
        if (cid.version() == 0 && base != Encoding.BASE58_BTC) {
            throw new IllegalArgumentException("invalid base encoding: a CIDv0 is written only in base58btc (use -v 1)");
        }
        return cid.version() == 0 ? cid.toString() : encode(base, cid.bytes(), false);
    }

    private static String encode(Encoding base, byte[] data, boolean stripPrefix) {
        if (base == Encoding.IDENTITY) {
            return (stripPrefix ? "" : "\0") + goString(data);
        }
        String s = Multibase.encode(base, data);
        return stripPrefix ? s.substring(base.prefixString().length()) : s;
    }

    /**
     * Bytes as text the way Go's JSON encoder (and so Kubo's answer) reads a string of them: UTF-8,
     * each byte that starts no valid sequence a U+FFFD of its own.
     */
    static String goString(byte[] data) {
        StringBuilder out = new StringBuilder(data.length);
        for (int i = 0; i < data.length; ) {
            int b = data[i] & 0xff;
            int n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
            // the second byte's range depends on the first (no overlong forms, surrogates or code points past U+10FFFF)
            int low = b == 0xe0 ? 0xa0 : b == 0xf0 ? 0x90 : 0x80;
            int high = b == 0xed ? 0x9f : b == 0xf4 ? 0x8f : 0xbf;
            boolean valid = n > 0 && i + n <= data.length;
            for (int k = 1; valid && k < n; k++) {
                int c = data[i + k] & 0xff;
                valid = k == 1 ? c >= low && c <= high : c >= 0x80 && c <= 0xbf;
            }
            if (!valid) {
                out.append('\ufffd');
                i++;
                continue;
            }
            int cp = n == 1 ? b : b & (0xff >> (n + 1));
            for (int k = 1; k < n; k++) {
                cp = cp << 6 | data[i + k] & 0x3f;
            }
            out.appendCodePoint(cp);
            i += n;
        }
        return out.toString();
    }

    /** The base a CID's text is written in: base58btc for a CIDv0. */
    static Encoding baseOf(String text) {
        return text.length() == 46 && text.startsWith("Qm") ? Encoding.BASE58_BTC : Multibase.encodingOf(text);
    }
}
