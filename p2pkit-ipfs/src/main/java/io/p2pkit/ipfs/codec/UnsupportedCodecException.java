package io.p2pkit.ipfs.codec;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multicodec;

/** A block whose CID names a codec p2pkit cannot read, so its contents and links are unknown. */
public final class UnsupportedCodecException extends DecodeException {
    private static final long serialVersionUID = 1L;

    private final long code;

    /** @param code the multicodec code */
    public UnsupportedCodecException(long code) {
        super("codec", "codec " + Multicodec.nameOf(code) + " (0x" + Long.toHexString(code) + ") is not supported");
        this.code = code;
    }

    /** @return the multicodec code */
    public long code() {
        return code;
    }
}
