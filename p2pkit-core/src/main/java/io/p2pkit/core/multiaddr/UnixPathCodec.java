package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/**
 * Unix socket paths. As in go-multiaddr, the path takes the rest of the text form including
 * its leading {@code '/'} ({@code /unix/tmp/s} holds {@code "/tmp/s"}), must be at least two
 * bytes, start with {@code '/'} and not end with {@code '/'}; in the binary form nothing may
 * follow it.
 */
final class UnixPathCodec implements ValueCodec {
    static final UnixPathCodec INSTANCE = new UnixPathCodec();

    private UnixPathCodec() {
    }

    @Override
    public byte[] parse(String text) {
        byte[] b = Utf8.encode(text, "unix");
        validate(b, 0, b.length);
        return b;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        return Utf8.decode(src, offset, length, "unix");
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        if (length < 2) {
            throw new DecodeException("unix", "path too short");
        }
        if (src[offset] != '/') {
            throw new DecodeException("unix", "path must begin with '/'");
        }
        if (src[offset + length - 1] == '/') {
            throw new DecodeException("unix", "path must not end with '/'");
        }
        Utf8.validate(src, offset, length, "unix");
    }
}
