package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/**
 * I2P base32 addresses: unpadded lower-case base32 text of 32 bytes, or of 35 bytes or more
 * (encrypted lease sets), as go-multiaddr requires. Like go, non-zero trailing bits in the
 * last character are ignored on input; the canonical form printed has them zero.
 */
final class Garlic32Codec implements ValueCodec {
    static final Garlic32Codec INSTANCE = new Garlic32Codec();

    private Garlic32Codec() {
    }

    @Override
    public byte[] parse(String text) {
        byte[] b = Base32Text.decode(text, 0, text.length(), false, true);
        if (b == null) {
            throw new DecodeException("garlic32", "not lower-case unpadded base32: " + Printable.quote(text));
        }
        validate(b, 0, b.length);
        return b;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        return Base32Text.encode(src, offset, length);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        if (length != 32 && length < 35) {
            throw new DecodeException("garlic32", "address must be 32 or at least 35 bytes, got " + length);
        }
    }
}
