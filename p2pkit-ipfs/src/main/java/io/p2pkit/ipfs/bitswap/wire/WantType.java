package io.p2pkit.ipfs.bitswap.wire;

/** What a wantlist entry asks for: the block itself, or only whether the peer has it (1.2.0). */
public enum WantType {
    /** Send the block. */
    BLOCK,
    /** Say HAVE (or, when asked, DONT_HAVE); a small block may be sent instead. */
    HAVE
}
