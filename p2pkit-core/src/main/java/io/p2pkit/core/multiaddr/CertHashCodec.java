package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multibase;

/**
 * Certificate hashes (WebTransport, WebRTC): a multihash, written in text as a multibase string.
 * Any multibase is accepted on input; output is base64url ({@code u...}), as go-multiaddr prints.
 */
final class CertHashCodec implements ValueCodec {
    static final CertHashCodec INSTANCE = new CertHashCodec();

    private CertHashCodec() {
    }

    @Override
    public byte[] parse(String text) {
        byte[] b;
        try {
            b = Multibase.decode(text);
        } catch (DecodeException e) {
            throw new DecodeException("certhash", "not a multibase string: " + e.getMessage(), e);
        }
        validate(b, 0, b.length);
        return b;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        byte[] b = new byte[length];
        System.arraycopy(src, offset, b, 0, length);
        return Multibase.encode(Multibase.Encoding.BASE64_URL, b);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        MultihashShape.check(src, offset, length, "certhash");
    }
}
