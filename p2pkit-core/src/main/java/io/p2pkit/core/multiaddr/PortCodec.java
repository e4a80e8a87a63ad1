package io.p2pkit.core.multiaddr;

/** TCP, UDP, SCTP and DCCP ports: decimal 0..65535, two bytes big-endian. */
final class PortCodec implements ValueCodec {
    static final PortCodec INSTANCE = new PortCodec();

    private PortCodec() {
    }

    @Override
    public byte[] parse(String text) {
        int port = (int) Decimal.parse(text, 0xFFFF, "port");
        return new byte[] {(byte) (port >>> 8), (byte) port};
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        return Integer.toString(read(src, offset));
    }

    static int read(byte[] src, int offset) {
        return ((src[offset] & 0xFF) << 8) | (src[offset + 1] & 0xFF);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        // Every 16-bit value is a port.
    }
}
