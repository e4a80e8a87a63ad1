package io.p2pkit.core.perf;

/**
 * What moved during one reporting interval of a perf run (about a second), the same figures as
 * the {@code "intermediary"} lines of libp2p's perf test plans: bytes in that interval, not totals.
 *
 * @param phase         whether the client was uploading or downloading
 * @param timeSeconds   length of the interval in seconds
 * @param uploadBytes   bytes sent in the interval
 * @param downloadBytes bytes received in the interval
 */
public record PerfProgress(Phase phase, double timeSeconds, long uploadBytes, long downloadBytes) {
    /** The two halves of a run. */
    public enum Phase {
        /** The client sends its bytes. */
        UPLOAD,
        /** The client receives the bytes it asked for. */
        DOWNLOAD
    }

    /** Bytes per second over the interval. */
    public double bytesPerSecond() {
        return timeSeconds <= 0 ? 0 : (uploadBytes + downloadBytes) / timeSeconds;
    }
}
