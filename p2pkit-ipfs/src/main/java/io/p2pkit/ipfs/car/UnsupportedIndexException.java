package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;

/** A CARv2 index in a format p2pkit does not read; the CAR's data can still be scanned. */
public final class UnsupportedIndexException extends DecodeException {
    private static final long serialVersionUID = 1L;

    private final long format;

    /** @param format the index's multicodec */
    public UnsupportedIndexException(long format) {
        super("car index", "index format 0x" + Long.toHexString(format) + " is not supported (only 0x400 and 0x401)");
        this.format = format;
    }

    /** @return the index's multicodec */
    public long format() {
        return format;
    }
}
