package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/**
 * Textual values that are one text segment: DNS names ({@code dns}, {@code dns4}, {@code dns6},
 * {@code dnsaddr}, {@code sni}) and IPv6 zones. Non-empty UTF-8 without {@code '/'}, which would
 * break the text form; otherwise unchecked, as in go-multiaddr.
 */
final class NameCodec implements ValueCodec {
    private final String field;

    NameCodec(String field) {
        this.field = field;
    }

    @Override
    public byte[] parse(String text) {
        if (text.isEmpty()) {
            throw new DecodeException(field, "empty value");
        }
        if (text.indexOf('/') >= 0) {
            throw new DecodeException(field, "value contains '/': " + Printable.quote(text));
        }
        return Utf8.encode(text, field);
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        return Utf8.decode(src, offset, length, field);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        if (length == 0) {
            throw new DecodeException(field, "empty value");
        }
        for (int i = offset; i < offset + length; i++) {
            if (src[i] == '/') {
                throw new DecodeException(field, "value contains '/'");
            }
        }
        Utf8.validate(src, offset, length, field);
    }
}
