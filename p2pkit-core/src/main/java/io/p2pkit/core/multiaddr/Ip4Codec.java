package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/** IPv4 addresses: strict dotted quad (four decimal octets, no leading zeros) and 4 bytes. */
final class Ip4Codec implements ValueCodec {
    static final Ip4Codec INSTANCE = new Ip4Codec();

    private Ip4Codec() {
    }

    @Override
    public byte[] parse(String text) {
        byte[] out = new byte[4];
        if (!parseInto(text, 0, text.length(), out, 0)) {
            throw new DecodeException("ip4", "not a dotted-quad IPv4 address: " + Printable.quote(text));
        }
        return out;
    }

    /** Parses {@code text[from, to)} into 4 bytes at {@code dst[at]}; false when it is not a dotted quad. */
    static boolean parseInto(String text, int from, int to, byte[] dst, int at) {
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            // Leading zeros are refused: some parsers read them as octal.
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            dst[at + part] = (byte) value;
        }
        return i == to;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        StringBuilder b = new StringBuilder(15);
        appendTo(b, src, offset);
        return b.toString();
    }

    static void appendTo(StringBuilder b, byte[] src, int offset) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                b.append('.');
            }
            b.append(src[offset + i] & 0xFF);
        }
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        // Any 4 bytes are an IPv4 address; the length is checked by the caller.
    }
}
