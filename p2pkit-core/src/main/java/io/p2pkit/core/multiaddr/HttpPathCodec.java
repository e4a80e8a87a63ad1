package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/**
 * HTTP paths, percent-encoded in text so that they fit in one segment. Follows go-multiaddr
 * (Go's query escaping): printing keeps {@code A-Z a-z 0-9 - _ . ~}, writes a space as
 * {@code '+'} and everything else as {@code %XX}; parsing undoes it. The raw value is
 * arbitrary non-empty bytes.
 */
final class HttpPathCodec implements ValueCodec {
    static final HttpPathCodec INSTANCE = new HttpPathCodec();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HttpPathCodec() {
    }

    @Override
    public byte[] parse(String text) {
        byte[] in = Utf8.encode(text, "http-path");
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            byte c = in[i];
            if (c == '%') {
                int hi = i + 1 < in.length ? hex(in[i + 1]) : -1;
                int lo = i + 2 < in.length ? hex(in[i + 2]) : -1;
                if (hi < 0 || lo < 0) {
                    throw new DecodeException("http-path", "bad percent escape in " + Printable.quote(text));
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                out[n++] = ' ';
            } else {
                out[n++] = c;
            }
        }
        if (n == 0) {
            throw new DecodeException("http-path", "empty path");
        }
        byte[] exact = new byte[n];
        System.arraycopy(out, 0, exact, 0, n);
        return exact;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        StringBuilder b = new StringBuilder(length + 8);
        for (int i = offset; i < offset + length; i++) {
            int c = src[i] & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else if (c == ' ') {
                b.append('+');
            } else {
                b.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
            }
        }
        return b.toString();
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        if (length == 0) {
            throw new DecodeException("http-path", "empty path");
        }
    }
}
