package io.p2pkit.core.multiaddr;

/** In-memory transport addresses: an unsigned 64-bit number, 8 bytes big-endian. */
final class MemoryCodec implements ValueCodec {
    static final MemoryCodec INSTANCE = new MemoryCodec();

    private MemoryCodec() {
    }

    @Override
    public byte[] parse(String text) {
        long v = Decimal.parseUnsigned64(text, "memory");
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (src[offset + i] & 0xFF);
        }
        return Long.toUnsignedString(v);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        // Every 64-bit value is accepted.
    }
}
