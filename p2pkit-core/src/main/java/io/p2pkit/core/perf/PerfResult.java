package io.p2pkit.core.perf;

import java.time.Duration;

/**
 * The outcome of one perf run on one stream.
 *
 * @param uploadBytes   bytes the client sent
 * @param downloadBytes bytes the client received
 * @param upload        from opening the stream until the upload was written and half-closed
 * @param total         from opening the stream until the last downloaded byte and end of stream
 */
public record PerfResult(long uploadBytes, long downloadBytes, Duration upload, Duration total) {
    /** Time spent downloading: {@code total - upload}. */
    public Duration download() {
        return total.minus(upload);
    }
}
