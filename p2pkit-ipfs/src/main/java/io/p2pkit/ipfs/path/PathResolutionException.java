package io.p2pkit.ipfs.path;

import java.util.Objects;

/**
 * A path that does not resolve. Says which segment failed ({@link #segmentIndex()}, -1 for the
 * root) and why ({@link #reason()}), in the message too: {@code /ipfs/bafy…/a/b: segment 1 "b":
 * no link named "b" in the DAG-PB node bafy…}.
 */
public final class PathResolutionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a segment did not resolve. */
    public enum Reason {
        /** A block on the way is not in the source. */
        BLOCK_NOT_FOUND,
        /** A DAG-PB node has no link of that name. */
        NO_SUCH_LINK,
        /** A map has no such key. */
        NO_SUCH_KEY,
        /** A list has no such index (or the segment is not an index). */
        NO_SUCH_INDEX,
        /** The value reached is not a map or list (or DAG-PB node), so it has no children. */
        NOT_A_CONTAINER,
        /** A block on the way is in a codec p2pkit cannot read. */
        UNSUPPORTED_CODEC,
        /** A block on the way is malformed for its codec. */
        MALFORMED_BLOCK
    }

    private final transient IpfsPath path;
    private final int segmentIndex;
    private final Reason reason;

    PathResolutionException(IpfsPath path, int segmentIndex, Reason reason, String detail, Throwable cause) {
        super(path + ": " + (segmentIndex < 0 ? "root " + path.root()
                : "segment " + segmentIndex + " \"" + path.segments().get(segmentIndex) + "\"") + ": " + detail, cause);
        this.path = Objects.requireNonNull(path);
        this.segmentIndex = segmentIndex;
        this.reason = Objects.requireNonNull(reason);
    }

    /** @return the path that failed */
    public IpfsPath path() {
        return path;
    }

    /** @return the index of the segment that failed, or -1 when the root block itself failed */
    public int segmentIndex() {
        return segmentIndex;
    }

    /** @return the segment that failed, or null for the root */
    public String segment() {
        return segmentIndex < 0 ? null : path.segments().get(segmentIndex);
    }

    /** @return why */
    public Reason reason() {
        return reason;
    }
}
