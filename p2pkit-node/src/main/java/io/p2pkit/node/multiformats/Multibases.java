package io.p2pkit.node.multiformats;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Multibase as Kubo's {@code multibase} commands and {@code -b} options take it (go-multibase
 * 0.2): a base named by its name or by its one-character prefix, text in and out as bytes.
 * p2pkit also reads and writes base8, base10 and base32z, which go-multibase 0.2 lacks; they are
 * left out of {@link #listed()}, as Kubo lists them not.
 */
public final class Multibases {
    /** The most bytes {@link #encode} and {@link #decode} take: Multibase's own cap on text. */
    public static final int MAX_INPUT = Multibase.MAX_ENCODED_LENGTH;

    private static final Set<Encoding> UNLISTED = EnumSet.of(Encoding.BASE8, Encoding.BASE10, Encoding.BASE32_Z);
    /** The bases whose Go decoders skip CR and LF (encoding/base32 and base64), so a file's last newline does no harm. */
    private static final Set<Encoding> SKIP_NEWLINES = EnumSet.of(Encoding.BASE32, Encoding.BASE32_UPPER,
            Encoding.BASE32_PAD, Encoding.BASE32_PAD_UPPER, Encoding.BASE32_HEX, Encoding.BASE32_HEX_UPPER,
            Encoding.BASE32_HEX_PAD, Encoding.BASE32_HEX_PAD_UPPER, Encoding.BASE64, Encoding.BASE64_PAD,
            Encoding.BASE64_URL, Encoding.BASE64_URL_PAD);

    private Multibases() {
    }

    /**
     * A base by name ({@code base32}) or prefix ({@code b}), as go-multibase's {@code EncoderByName}.
     *
     * @throws IllegalArgumentException with go-multibase's message for an empty or unknown one
     */
    public static Encoding encoding(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty multibase encoding");
        }
        boolean prefix = name.codePointCount(0, name.length()) == 1;
        for (Encoding e : Encoding.values()) {
            if (prefix ? e.prefix() == name.codePointAt(0) : e.multibaseName().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unsupported multibase encoding: " + name);
    }

    /**
     * A base of {@link #listed()} by name or prefix, as go-multibase 0.2's {@code EncoderByName}
     * finds it: base8, base10 and base32z are unknown there (Kubo's {@code --cid-base} refuses them).
     *
     * @throws IllegalArgumentException with go-multibase's message for an empty or unknown one
     */
    public static Encoding listedEncoding(String name) {
        Encoding e = encoding(name);
        if (UNLISTED.contains(e)) {
            throw new IllegalArgumentException("unsupported multibase encoding: " + name);
        }
        return e;
    }

    /** The bases Kubo 0.39 lists ({@code cid bases}, {@code multibase list}); p2pkit reads and writes each. */
    public static List<Encoding> listed() {
        return Arrays.stream(Encoding.values()).filter(e -> !UNLISTED.contains(e)).toList();
    }

    /**
     * {@code data} as multibase text, as bytes: UTF-8, except identity, which is a NUL and the bytes
     * themselves (go-multibase's).
     *
     * @throws IllegalArgumentException when {@code data} is over a base's cap (base10, base36 and
     *                                  base58 encode at most {@link Multibase#MAX_BASE_X_BYTES})
     */
    public static byte[] encode(Encoding encoding, byte[] data) {
        if (encoding == Encoding.IDENTITY) {
            byte[] out = new byte[data.length + 1];
            System.arraycopy(data, 0, out, 1, data.length);
            return out;
        }
        return Multibase.encode(encoding, data).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes multibase text given as bytes (at most {@link #MAX_INPUT}).
     *
     * @throws IllegalArgumentException with go-multibase's message for empty text and an unknown
     *                                  prefix, and p2pkit's decoder's for the rest
     */
    public static byte[] decode(byte[] text) {
        if (text.length == 0) {
            throw new IllegalArgumentException("cannot decode multibase for zero length string");
        }
        if (text[0] == 0) {
            return Arrays.copyOfRange(text, 1, text.length);
        }
        String s = new String(text, StandardCharsets.UTF_8);
        Encoding encoding;
        try {
            encoding = Multibase.encodingOf(s);
        } catch (DecodeException e) {
            throw new IllegalArgumentException(s.length() > MAX_INPUT ? reason(e) : "selected encoding not supported");
        }
        if (SKIP_NEWLINES.contains(encoding)) {
            s = s.replace("\r", "").replace("\n", "");
        }
        try {
            return Multibase.decode(s);
        } catch (DecodeException e) {
            throw new IllegalArgumentException(reason(e));
        }
    }

    /** The decoder's message without its {@code multibase: } field name. */
    private static String reason(DecodeException e) {
        String prefix = e.field() + ": ";
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }
}
