package io.p2pkit.websocket;

import java.time.Duration;

/**
 * Limits and buffer sizes of the WebSocket transport.
 *
 * @param maxFramePayload      the largest frame accepted (larger ones close with status 1009)
 * @param maxMessageBytes      the largest message, over all its fragments, accepted
 * @param writeBufferBytes     the most payload collected before a frame is sent (a buffer held from a
 *                             write to the flush that sends it)
 * @param readBufferBytes      the most bytes read ahead from the socket at once (a buffer held only while
 *                             it has bytes; larger reads go straight to the socket)
 * @param handshakeTimeout     how long an inbound TLS and HTTP upgrade may take
 * @param maxPendingHandshakes how many inbound upgrades may run at once; more are closed on arrival
 * @param acceptQueue          how many upgraded inbound connections may wait for {@code accept()}
 */
public record WebSocketConfig(long maxFramePayload, long maxMessageBytes, int writeBufferBytes, int readBufferBytes,
                              Duration handshakeTimeout, int maxPendingHandshakes, int acceptQueue) {
    /** Checks the values. */
    public WebSocketConfig {
        if (maxFramePayload < 125 || maxMessageBytes < maxFramePayload || writeBufferBytes < 1 || readBufferBytes < 1
                || maxPendingHandshakes < 1 || acceptQueue < 1 || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("bad WebSocket limits");
        }
    }

    /**
     * Defaults: frames up to 16 MiB and messages up to 64 MiB (payloads are streamed, never
     * buffered whole, so these bound the protocol, not memory), 64 KiB write and read buffers
     * (held only while in use, and charged to the connection's memory scope),
     * 15 s handshakes, 256 at once, 128 queued connections.
     */
    public static WebSocketConfig defaults() {
        return new WebSocketConfig(16 << 20, 64 << 20, 64 * 1024, 64 * 1024, Duration.ofSeconds(15), 256, 128);
    }
}
