package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/**
 * Tor onion services: {@code <base32 host>:<port>} in text, host bytes then a 16-bit port in
 * binary. Version 2 hosts are 10 bytes (16 characters), version 3 hosts 35 bytes (56
 * characters). The port must not be 0. Upper-case host letters are accepted, lower case printed.
 */
final class OnionCodec implements ValueCodec {
    static final OnionCodec V2 = new OnionCodec("onion", 10);
    static final OnionCodec V3 = new OnionCodec("onion3", 35);

    private final String field;
    private final int hostBytes;
    private final int hostChars;

    private OnionCodec(String field, int hostBytes) {
        this.field = field;
        this.hostBytes = hostBytes;
        this.hostChars = hostBytes * 8 / 5;
    }

    @Override
    public byte[] parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
            throw new DecodeException(field, "expected <host>:<port>, got " + Printable.quote(text));
        }
        if (colon != hostChars) {
            throw new DecodeException(field, "host must be " + hostChars + " base32 characters: " + Printable.quote(text));
        }
        byte[] host = Base32Text.decode(text, 0, colon, true, false);
        if (host == null) {
            throw new DecodeException(field, "host is not base32: " + Printable.quote(text));
        }
        int port = (int) Decimal.parse(text.substring(colon + 1), 0xFFFF, field);
        if (port == 0) {
            throw new DecodeException(field, "port must not be 0");
        }
        byte[] out = new byte[hostBytes + 2];
        System.arraycopy(host, 0, out, 0, hostBytes);
        out[hostBytes] = (byte) (port >>> 8);
        out[hostBytes + 1] = (byte) port;
        return out;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        return Base32Text.encode(src, offset, hostBytes) + ':' + PortCodec.read(src, offset + hostBytes);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        if (PortCodec.read(src, offset + hostBytes) == 0) {
            throw new DecodeException(field, "port must not be 0");
        }
    }
}
