package io.p2pkit.webrtc.sctp;

import java.time.Duration;

/**
 * Limits and timers of an {@link SctpAssociation}. {@link #defaults()} suits WebRTC data channels.
 *
 * @param mtu                     the largest SCTP packet sent, common header included
 * @param receiveWindow           bytes buffered on receipt (being reassembled or not yet read); the window advertised
 * @param sendBuffer              bytes accepted for sending and not yet acknowledged; {@code send} blocks beyond
 * @param maxMessageSize          the largest message {@code send} takes
 * @param rtoInitial              the retransmission timeout before any round trip was measured
 * @param rtoMin                  the smallest retransmission timeout
 * @param rtoMax                  the largest retransmission timeout
 * @param maxRetransmissions      consecutive timeouts without progress after which the association fails
 * @param maxInitRetransmissions  INIT or COOKIE ECHO retransmissions after which the association fails
 * @param sendInit                whether this side sends INIT; WebRTC peers both do (and resolve the collision)
 * @param shutdownTimeout         how long {@code close} waits for queued data and the SHUTDOWN exchange before aborting
 * @param heartbeatInterval       how long an idle association waits before a HEARTBEAT; after
 *                                {@code maxRetransmissions} unanswered ones in a row it fails
 */
public record SctpConfig(int mtu, int receiveWindow, int sendBuffer, int maxMessageSize, Duration rtoInitial,
                         Duration rtoMin, Duration rtoMax, int maxRetransmissions, int maxInitRetransmissions,
                         boolean sendInit, Duration shutdownTimeout, Duration heartbeatInterval) {
    /** The port both WebRTC endpoints use (RFC 8841). */
    public static final int PORT = 5000;

    /** Checks the ranges. */
    public SctpConfig {
        if (mtu < 256 || mtu > 65_535) {
            throw new IllegalArgumentException("mtu must be 256 to 65535: " + mtu);
        }
        if (receiveWindow < mtu || sendBuffer < mtu) {
            throw new IllegalArgumentException("receive window and send buffer must hold at least one packet");
        }
        if (maxMessageSize < 1 || maxMessageSize > receiveWindow) {
            throw new IllegalArgumentException("max message size must be 1 to the receive window: " + maxMessageSize);
        }
        if (rtoMin.isNegative() || rtoMin.isZero() || rtoMin.compareTo(rtoMax) > 0
                || rtoInitial.compareTo(rtoMin) < 0 || rtoInitial.compareTo(rtoMax) > 0) {
            throw new IllegalArgumentException("need 0 < rtoMin <= rtoInitial <= rtoMax");
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive");
        }
        if (maxRetransmissions < 1 || maxInitRetransmissions < 1) {
            throw new IllegalArgumentException("retransmission limits must be positive");
        }
    }

    /**
     * 1200-byte packets, a 1 MiB receive window and send buffer, 256 KiB messages, RTO 1 s initial,
     * 300 ms to 10 s (RFC 9260 says at least 1 s; browsers' SCTP stacks go lower, but the minimum must
     * stay above the 200 ms for which pion, webrtc-rs and Chrome's dcsctp may delay the SACK of a
     * lone packet, or that packet is retransmitted for nothing and the window collapses), 10 retransmissions
     * (RFC 9260's Association.Max.Retrans), 8 INIT retransmissions, both sides send INIT, 5 s to shut down,
     * a HEARTBEAT after 30 s idle (RFC 9260's HB.interval).
     */
    public static SctpConfig defaults() {
        return new SctpConfig(1200, 1 << 20, 1 << 20, 256 * 1024, Duration.ofSeconds(1), Duration.ofMillis(300),
                Duration.ofSeconds(10), 10, 8, true, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** This configuration with other retransmission timeouts. */
    public SctpConfig withRto(Duration initial, Duration min, Duration max) {
        return new SctpConfig(mtu, receiveWindow, sendBuffer, maxMessageSize, initial, min, max, maxRetransmissions,
                maxInitRetransmissions, sendInit, shutdownTimeout, heartbeatInterval);
    }

    /** This configuration with other buffer sizes. */
    public SctpConfig withBuffers(int receiveWindow, int sendBuffer) {
        return new SctpConfig(mtu, receiveWindow, sendBuffer, Math.min(maxMessageSize, receiveWindow), rtoInitial,
                rtoMin, rtoMax, maxRetransmissions, maxInitRetransmissions, sendInit, shutdownTimeout, heartbeatInterval);
    }

    /** This configuration with another retransmission limit. */
    public SctpConfig withMaxRetransmissions(int max) {
        return new SctpConfig(mtu, receiveWindow, sendBuffer, maxMessageSize, rtoInitial, rtoMin, rtoMax, max,
                maxInitRetransmissions, sendInit, shutdownTimeout, heartbeatInterval);
    }

    /** This configuration with another heartbeat interval. */
    public SctpConfig withHeartbeatInterval(Duration interval) {
        return new SctpConfig(mtu, receiveWindow, sendBuffer, maxMessageSize, rtoInitial, rtoMin, rtoMax,
                maxRetransmissions, maxInitRetransmissions, sendInit, shutdownTimeout, interval);
    }

    /** This configuration with INIT sent or not. */
    public SctpConfig withSendInit(boolean sendInit) {
        return new SctpConfig(mtu, receiveWindow, sendBuffer, maxMessageSize, rtoInitial, rtoMin, rtoMax,
                maxRetransmissions, maxInitRetransmissions, sendInit, shutdownTimeout, heartbeatInterval);
    }
}
