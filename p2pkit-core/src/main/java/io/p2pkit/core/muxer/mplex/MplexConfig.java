package io.p2pkit.core.muxer.mplex;

/**
 * Limits of an mplex connection.
 *
 * @param maxStreams the most streams open at once in each direction; inbound streams beyond it
 *        are reset, opening outbound streams beyond it fails
 * @param streamBufferBytes the most unread bytes a stream holds; mplex has no flow control, so a
 *        stream whose reader falls this far behind is reset (the connection lives on)
 * @param maxFrameBytes the largest frame payload accepted and sent; a larger frame from the
 *        remote closes the connection
 */
public record MplexConfig(int maxStreams, int streamBufferBytes, int maxFrameBytes) {
    /** 1024 streams, 4 MiB per stream (as go-mplex), 1 MiB frames (the spec's limit). */
    public static final MplexConfig DEFAULT = new MplexConfig(1024, 4 << 20, MplexFrame.MAX_DATA_BYTES);

    /** Checks the limits are positive and the frame size within the spec. */
    public MplexConfig {
        if (maxStreams <= 0 || streamBufferBytes <= 0 || maxFrameBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxFrameBytes > MplexFrame.MAX_DATA_BYTES) {
            throw new IllegalArgumentException("frames are at most " + MplexFrame.MAX_DATA_BYTES + " bytes");
        }
    }
}
