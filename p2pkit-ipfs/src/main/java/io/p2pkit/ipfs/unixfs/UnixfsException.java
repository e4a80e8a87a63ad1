package io.p2pkit.ipfs.unixfs;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;

/**
 * A UnixFS DAG that cannot be read as UnixFS: a {@code Data} message that is malformed, a node of
 * the wrong type where another was expected, sizes that disagree with the blocks below them, a
 * DAG that loops or is deeper than any real import, a HAMT shard that breaks its own rules. The
 * {@link #reason()} says which, the message names the block and the field.
 */
public final class UnixfsException extends DecodeException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Reason {
        /** The UnixFS {@code Data} protobuf is malformed (truncated, wrong wire type, unknown field, value out of range). */
        MALFORMED_DATA,
        /** A block has another UnixFS type, or another codec, than its place in the DAG allows. */
        WRONG_TYPE,
        /** A file's sizes (filesize, blocksizes, the data below) disagree. */
        SIZE_MISMATCH,
        /** A block links back to one of its ancestors. */
        LOOP,
        /** The DAG is deeper than {@link io.p2pkit.ipfs.unixfs.exporter.Exporter#MAX_DEPTH}. */
        TOO_DEEP,
        /** A HAMT shard's fanout, hash function, bitfield or link names break the HAMT rules. */
        BAD_HAMT
    }

    private final Reason reason;
    private final transient Cid cid;

    /**
     * @param reason  what was wrong
     * @param cid     the block it was found in, or null when not known
     * @param message what exactly, naming the field
     */
    public UnixfsException(Reason reason, Cid cid, String message) {
        super("unixfs", (cid == null ? "" : "block " + cid + ": ") + message);
        this.reason = reason;
        this.cid = cid;
    }

    /** @return what was wrong */
    public Reason reason() {
        return reason;
    }

    /** @return the block the problem was found in, or null when not known */
    public Cid cid() {
        return cid;
    }
}
