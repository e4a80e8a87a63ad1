package io.p2pkit.core.multiaddr;

/**
 * CIDR prefix lengths: one byte, 0..255 in text. Like go-multiaddr, the range is not narrowed
 * to 32 or 128 by the address before it; that is the reader's business.
 */
final class CidrCodec implements ValueCodec {
    static final CidrCodec INSTANCE = new CidrCodec();

    private CidrCodec() {
    }

    @Override
    public byte[] parse(String text) {
        return new byte[] {(byte) Decimal.parse(text, 0xFF, "ipcidr")};
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        return Integer.toString(src[offset] & 0xFF);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        // Every byte value is accepted.
    }
}
