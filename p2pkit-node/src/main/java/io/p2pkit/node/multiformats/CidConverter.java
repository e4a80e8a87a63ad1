package io.p2pkit.node.multiformats;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.node.cli.content.GoQuote;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Kubo's {@code cid format} and {@code cid base32}: the options read and checked as Kubo checks
 * them (with its messages), then each CID converted on its own, a failure being that CID's
 * {@code ErrorMsg} while the others still convert.
 */
public final class CidConverter {
    /**
     * One CID's outcome, Kubo's {@code CidFormatRes}.
     *
     * @param cidStr    the CID as given
     * @param formatted its formatted text, or "" when it failed
     * @param errorMsg  why it failed, or ""
     */
    public record Conversion(String cidStr, String formatted, String errorMsg) {
        /** Whether it converted. */
        public boolean ok() {
            return errorMsg.isEmpty();
        }

        /** Kubo's JSON object {@code {"CidStr","Formatted","ErrorMsg"}}. */
        public Map<String, Object> json() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("CidStr", cidStr);
            o.put("Formatted", formatted);
            o.put("ErrorMsg", errorMsg);
            return o;
        }
    }

    private final String format;
    private final Encoding base;
    private final long codec;
    private final UnaryOperator<Cid> version;

    private CidConverter(String format, Encoding base, long codec, UnaryOperator<Cid> version) {
        this.format = format;
        this.base = base;
        this.codec = codec;
        this.version = version;
    }

    /** {@code cid base32}: CIDv1 in base32. */
    public static CidConverter base32() {
        return new CidConverter("%s", Encoding.BASE32, 0, Cid::toV1);
    }

    /**
     * {@code cid format}'s options, each null or empty when not given.
     *
     * @param format  {@code -f}, Kubo's printf-style string
     * @param version {@code -v}: 0 or 1
     * @param codec   {@code --mc}: a multicodec name or number
     * @param base    {@code -b}: a multibase name or prefix; alone it makes CIDv1
     * @throws IllegalArgumentException with Kubo's message for an option it refuses
     */
    public static CidConverter format(String format, String version, String codec, String base) {
        if (format.indexOf('%') < 0) {
            throw new IllegalArgumentException("invalid format string: " + GoQuote.quote(format));
        }
        long newCodec = codec == null || codec.isEmpty() ? 0 : codec(codec);
        boolean baseGiven = base != null && !base.isEmpty();
        UnaryOperator<Cid> convert = switch (version == null ? "" : version) {
            case "" -> baseGiven ? Cid::toV1 : UnaryOperator.identity();
            case "0" -> {
                if (newCodec != 0 && newCodec != Multicodec.DAG_PB) {
                    throw new IllegalArgumentException("cannot convert to CIDv0 with any codec other than dag-pb");
                }
                if (baseGiven && !base.equals("base58btc")) {
                    throw new IllegalArgumentException("cannot convert to CIDv0 with any multibase other than the implicit base58btc");
                }
                yield CidConverter::toV0;
            }
            case "1" -> Cid::toV1;
            default -> throw new IllegalArgumentException("invalid cid version: " + GoQuote.quote(version));
        };
        return new CidConverter(format, baseGiven ? Multibases.encoding(base) : null, newCodec, convert);
    }

    /**
     * Converts one CID; a CID that cannot be read or converted fails on its own.
     *
     * @throws CidFormatter.FormatStringException when the format string is wrong (for every CID alike)
     */
    public Conversion convert(String text) {
        try {
            Cid cid = Cid.parse(text);
            if (codec != 0 && codec != cid.codec()) {
                cid = Cid.v1(codec, cid.multihash());
            }
            cid = version.apply(cid);
            Encoding b = base != null ? base : cid.version() == 0 ? Encoding.BASE58_BTC : CidFormatter.baseOf(text);
            return new Conversion(text, CidFormatter.format(format, b, cid), "");
        } catch (CidFormatter.FormatStringException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Conversion(text, "", e.getMessage());
        }
    }

    private static Cid toV0(Cid cid) {
        if (cid.codec() != Multicodec.DAG_PB) {
            throw new IllegalArgumentException("can't convert non-dag-pb nodes to cidv0");
        }
        return cid.toV0();
    }

    /** A multicodec as go-multicodec's {@code Code.Set} reads it: a known (or reserved) number in Go's notation, or any name. */
    private static long codec(String text) {
        try {
            long n = goUnsigned(text);
            if ((n >= 0x300000 && n <= 0x3FFFFF) || Multicodec.byCode(n).isPresent()) {
                return n;
            }
        } catch (NumberFormatException e) {
            // not a number: a name
        }
        return Multicodec.byName(text).map(Multicodec.Codec::code)
                .orElseThrow(() -> new IllegalArgumentException("unknown multicodec: " + GoQuote.quote(text)));
    }

    /** Go's {@code strconv.ParseUint(text, 0, 64)} without underscores: 0x, 0o, 0b or a leading 0 pick the base. */
    private static long goUnsigned(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        int radix = 10;
        if (t.startsWith("0x") || t.startsWith("0o") || t.startsWith("0b")) {
            radix = t.charAt(1) == 'x' ? 16 : t.charAt(1) == 'o' ? 8 : 2;
            t = t.substring(2);
        } else if (t.length() > 1 && t.startsWith("0")) {
            radix = 8;
            t = t.substring(1);
        }
        if (t.isEmpty() || t.startsWith("+") || t.startsWith("-")) {
            throw new NumberFormatException(text);
        }
        return Long.parseUnsignedLong(t, radix);
    }
}
