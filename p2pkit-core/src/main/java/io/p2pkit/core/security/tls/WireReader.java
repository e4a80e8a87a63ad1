package io.p2pkit.core.security.tls;

/**
 * A bounds-checked cursor over a handshake message's bytes: big-endian integers and
 * length-prefixed vectors (RFC 8446 §3). Every read that would run past the end, and every
 * vector whose length is out of its bounds, throws a {@link FatalAlert} with decode_error, so
 * that malformed input never escapes as an unchecked exception.
 */
final class WireReader {
    private final byte[] bytes;
    private final String what;
    private int position;
    private final int end;

    /** A cursor over {@code bytes[from, to)}; {@code what} names the message in errors. */
    WireReader(byte[] bytes, int from, int to, String what) {
        this.bytes = bytes;
        this.position = from;
        this.end = to;
        this.what = what;
    }

    WireReader(byte[] bytes, String what) {
        this(bytes, 0, bytes.length, what);
    }

    int remaining() {
        return end - position;
    }

    boolean hasRemaining() {
        return position < end;
    }

    private void need(int n) throws FatalAlert {
        if (n < 0 || end - position < n) {
            throw malformed("truncated: " + n + " bytes wanted, " + (end - position) + " left");
        }
    }

    int u8() throws FatalAlert {
        need(1);
        return bytes[position++] & 0xFF;
    }

    int u16() throws FatalAlert {
        need(2);
        int v = (bytes[position] & 0xFF) << 8 | bytes[position + 1] & 0xFF;
        position += 2;
        return v;
    }

    int u24() throws FatalAlert {
        need(3);
        int v = (bytes[position] & 0xFF) << 16 | (bytes[position + 1] & 0xFF) << 8 | bytes[position + 2] & 0xFF;
        position += 3;
        return v;
    }

    /** The next {@code n} bytes, copied. */
    byte[] bytes(int n) throws FatalAlert {
        need(n);
        byte[] copy = new byte[n];
        System.arraycopy(bytes, position, copy, 0, n);
        position += n;
        return copy;
    }

    /** A vector with a {@code lengthBytes}-byte length of {@code min} to {@code max} bytes, copied. */
    byte[] vector(int lengthBytes, int min, int max) throws FatalAlert {
        return bytes(length(lengthBytes, min, max));
    }

    /** A cursor over a vector with a {@code lengthBytes}-byte length of {@code min} to {@code max} bytes. */
    WireReader sub(int lengthBytes, int min, int max) throws FatalAlert {
        int n = length(lengthBytes, min, max);
        need(n);
        WireReader sub = new WireReader(bytes, position, position + n, what);
        position += n;
        return sub;
    }

    private int length(int lengthBytes, int min, int max) throws FatalAlert {
        int n = switch (lengthBytes) {
            case 1 -> u8();
            case 2 -> u16();
            case 3 -> u24();
            default -> throw new IllegalArgumentException("length of " + lengthBytes + " bytes");
        };
        if (n < min || n > max) {
            throw malformed("vector of " + n + " bytes, allowed " + min + " to " + max);
        }
        return n;
    }

    /** Checks that everything was read. */
    void end() throws FatalAlert {
        if (position != end) {
            throw malformed((end - position) + " bytes left over");
        }
    }

    FatalAlert malformed(String detail) {
        return new FatalAlert(TlsAlert.DECODE_ERROR, "malformed " + what + ": " + detail);
    }
}
