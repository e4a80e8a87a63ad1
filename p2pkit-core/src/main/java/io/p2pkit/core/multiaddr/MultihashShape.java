package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

/**
 * Structural check of a multihash inside a multiaddr value: varint code, varint digest length,
 * then exactly that many digest bytes. Unknown hash codes are accepted here, as in go-multihash.
 */
final class MultihashShape {
    static final long IDENTITY = 0x00;
    static final long SHA2_256 = 0x12;

    private MultihashShape() {
    }

    /** Checks the structure and returns the hash function code. */
    static long check(byte[] src, int offset, int length, String field) {
        ByteCursor c = new ByteCursor(src, offset, offset + length, field);
        long code = c.readVarint();
        long digestLength = c.readVarint();
        if (digestLength != c.remaining()) {
            throw new DecodeException(field, "multihash digest length " + digestLength
                    + " does not match the " + c.remaining() + " bytes present");
        }
        return code;
    }
}
