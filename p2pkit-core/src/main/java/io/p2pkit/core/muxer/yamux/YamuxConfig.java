package io.p2pkit.core.muxer.yamux;

import java.time.Duration;

/**
 * Settings of a yamux session. {@link #defaults()} matches go-yamux as configured by go-libp2p:
 * 256 KiB initial stream window growing to 16 MiB, 1000 inbound streams, an accept backlog of
 * 256, 64 KiB data frames and a keep-alive ping every 30 s.
 *
 * @param initialStreamWindow receive window each stream starts with; at least 256 KiB, the
 *     window both sides assume when a stream opens
 * @param maxStreamWindow upper bound of the automatically grown receive window
 * @param maxIncomingStreams inbound streams open at once; further SYNs are reset
 * @param maxOutgoingStreams outbound streams open at once; further opens fail
 * @param acceptBacklog inbound streams not yet accepted by the application; further SYNs are reset
 * @param maxFrameData most payload bytes put in one Data frame this side sends
 * @param keepAliveInterval time between keep-alive pings, or {@link Duration#ZERO} for none
 * @param keepAliveTimeout how long a keep-alive ping may stay unanswered before the session closes
 * @param maxControlBacklog control frames (window updates, pongs, resets) that may wait for the
 *     connection; a remote that stops reading long enough to overflow it is dropped
 */
public record YamuxConfig(
        int initialStreamWindow,
        int maxStreamWindow,
        int maxIncomingStreams,
        int maxOutgoingStreams,
        int acceptBacklog,
        int maxFrameData,
        Duration keepAliveInterval,
        Duration keepAliveTimeout,
        int maxControlBacklog) {

    /** The window the spec fixes for a newly opened stream. */
    public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

    /** Validates the settings. */
    public YamuxConfig {
        if (initialStreamWindow < SPEC_INITIAL_WINDOW) {
            throw new IllegalArgumentException("initialStreamWindow below 256 KiB: " + initialStreamWindow);
        }
        if (maxStreamWindow < initialStreamWindow) {
            throw new IllegalArgumentException("maxStreamWindow below initialStreamWindow");
        }
        if (maxIncomingStreams < 1 || maxOutgoingStreams < 1 || acceptBacklog < 1) {
            throw new IllegalArgumentException("stream limits must be positive");
        }
        if (maxFrameData < 1) {
            throw new IllegalArgumentException("maxFrameData must be positive");
        }
        if (maxControlBacklog < 16) {
            throw new IllegalArgumentException("maxControlBacklog must be at least 16");
        }
        if (keepAliveInterval == null || keepAliveInterval.isNegative()) {
            throw new IllegalArgumentException("keepAliveInterval must be zero or positive");
        }
        if (keepAliveTimeout == null || keepAliveTimeout.isNegative() || keepAliveTimeout.isZero()) {
            throw new IllegalArgumentException("keepAliveTimeout must be positive");
        }
    }

    /** The go-yamux compatible defaults. */
    public static YamuxConfig defaults() {
        return new YamuxConfig(SPEC_INITIAL_WINDOW, 16 * 1024 * 1024, 1000, 1000, 256, 64 * 1024,
                Duration.ofSeconds(30), Duration.ofSeconds(10), 4096);
    }

    /** A copy with another maximum receive window. */
    public YamuxConfig withMaxStreamWindow(int bytes) {
        return new YamuxConfig(initialStreamWindow, bytes, maxIncomingStreams, maxOutgoingStreams,
                acceptBacklog, maxFrameData, keepAliveInterval, keepAliveTimeout, maxControlBacklog);
    }

    /** A copy with other stream caps. */
    public YamuxConfig withStreamLimits(int maxIncoming, int maxOutgoing, int backlog) {
        return new YamuxConfig(initialStreamWindow, maxStreamWindow, maxIncoming, maxOutgoing,
                backlog, maxFrameData, keepAliveInterval, keepAliveTimeout, maxControlBacklog);
    }

    /** A copy with another keep-alive interval ({@link Duration#ZERO} turns it off) and timeout. */
    public YamuxConfig withKeepAlive(Duration interval, Duration timeout) {
        return new YamuxConfig(initialStreamWindow, maxStreamWindow, maxIncomingStreams,
                maxOutgoingStreams, acceptBacklog, maxFrameData, interval, timeout, maxControlBacklog);
    }

    /** A copy with another largest Data frame payload. */
    public YamuxConfig withMaxFrameData(int bytes) {
        return new YamuxConfig(initialStreamWindow, maxStreamWindow, maxIncomingStreams,
                maxOutgoingStreams, acceptBacklog, bytes, keepAliveInterval, keepAliveTimeout, maxControlBacklog);
    }

    /** Whether keep-alive pings are sent. */
    public boolean keepAliveEnabled() {
        return !keepAliveInterval.isZero();
    }
}
