package io.p2pkit.quic;

import java.time.Duration;

/**
 * Limits, windows and timers of the QUIC transport.
 *
 * @param maxIdleTimeout        a connection with no packets for this long is closed (both sides
 *                              announce theirs; the smaller one applies)
 * @param keepAliveInterval     after this long without stream traffic, a connection sends an
 *                              ack-eliciting packet so that neither side's idle timer fires;
 *                              {@link Duration#ZERO} turns keep-alive off
 * @param handshakeTimeout      how long a dial's QUIC + TLS handshake may take at most
 * @param maxStreamsPerConnection how many streams the remote may have open at once on a connection
 * @param maxConnections        how many connections (inbound and outbound) the transport keeps at once
 * @param maxPendingInbound     how many handshaken inbound connections may wait for {@code accept}
 * @param streamWindow          the initial flow-control window of each stream, in bytes
 * @param connectionWindow      the initial flow-control window of a connection, in bytes
 * @param streamReadBuffer      how many received bytes a stream buffers before it stops reading
 *                              (and so stops returning flow-control credit)
 * @param udpReceiveBuffer      SO_RCVBUF asked for on each UDP socket (the kernel caps it at net.core.rmem_max)
 * @param udpSendBuffer         SO_SNDBUF asked for on each UDP socket (capped at net.core.wmem_max)
 * @param streamOpenTimeout     how long opening a stream waits for the remote to allow one more
 *                              (QUIC MAX_STREAMS) before it fails
 * @param maxUdpPayload         the largest UDP payload a connection sends: it starts at QUIC's
 *                              minimum of 1200 bytes and path-MTU discovery (quiche's DPLPMTUD)
 *                              probes up to this; 1200 turns the discovery off
 * @param segmentOffload        whether to hand the kernel many packets in one send (UDP GSO) where
 *                              Linux's epoll transport is available; otherwise one send per packet
 */
public record QuicConfig(Duration maxIdleTimeout, Duration keepAliveInterval, Duration handshakeTimeout,
                         int maxStreamsPerConnection, int maxConnections, int maxPendingInbound,
                         long streamWindow, long connectionWindow, int streamReadBuffer,
                         int udpReceiveBuffer, int udpSendBuffer, Duration streamOpenTimeout,
                         int maxUdpPayload, boolean segmentOffload) {
    /** Checks the values. */
    public QuicConfig {
        if (maxIdleTimeout.isNegative() || maxIdleTimeout.isZero()) {
            throw new IllegalArgumentException("maxIdleTimeout must be positive");
        }
        if (keepAliveInterval.isNegative()) {
            throw new IllegalArgumentException("keepAliveInterval must not be negative");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive");
        }
        if (maxStreamsPerConnection < 1 || maxConnections < 1 || maxPendingInbound < 1) {
            throw new IllegalArgumentException("stream and connection limits must be at least 1");
        }
        if (streamWindow < 1024 || connectionWindow < streamWindow) {
            throw new IllegalArgumentException("windows too small: stream " + streamWindow + ", connection "
                    + connectionWindow);
        }
        if (streamReadBuffer < 1024 || udpReceiveBuffer < 1024 || udpSendBuffer < 1024) {
            throw new IllegalArgumentException("buffers must be at least 1 KiB");
        }
        if (streamOpenTimeout.isNegative() || streamOpenTimeout.isZero()) {
            throw new IllegalArgumentException("streamOpenTimeout must be positive");
        }
        if (maxUdpPayload < MIN_UDP_PAYLOAD || maxUdpPayload > 65527) {
            throw new IllegalArgumentException("maxUdpPayload must be within 1200..65527: " + maxUdpPayload);
        }
    }

    /** QUIC's smallest allowed maximum UDP payload (RFC 9000 §14). */
    static final int MIN_UDP_PAYLOAD = 1200;

    /**
     * Defaults close to go-libp2p's: 30 s idle timeout, 15 s keep-alive, 10 s handshake, 256 streams
     * per connection, 1024 connections, 64 waiting inbound, 1 MiB stream window, 16 MiB connection
     * window, 1 MiB stream read buffer, 4 MiB UDP socket buffers (see docs/QUIC.md for the measurements),
     * 30 s to wait for stream credit, UDP payloads up to 1452 bytes by path-MTU discovery (quic-go's
     * ceiling too), and UDP segmentation offload (GSO) where Linux's epoll transport is available
     * (1.57× the throughput without it, docs/PERFORMANCE.md; {@link #withPackets} turns it off).
     */
    public static QuicConfig defaults() {
        return new QuicConfig(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(10),
                256, 1024, 64, 1 << 20, 16 << 20, 1 << 20, 4 << 20, 4 << 20, Duration.ofSeconds(30), 1452, true);
    }

    /** A copy with another idle timeout and keep-alive interval. */
    public QuicConfig withTimers(Duration idleTimeout, Duration keepAlive) {
        return new QuicConfig(idleTimeout, keepAlive, handshakeTimeout, maxStreamsPerConnection, maxConnections,
                maxPendingInbound, streamWindow, connectionWindow, streamReadBuffer, udpReceiveBuffer, udpSendBuffer,
                streamOpenTimeout, maxUdpPayload, segmentOffload);
    }

    /** A copy with other stream and connection limits. */
    public QuicConfig withLimits(int streamsPerConnection, int connections) {
        return new QuicConfig(maxIdleTimeout, keepAliveInterval, handshakeTimeout, streamsPerConnection, connections,
                maxPendingInbound, streamWindow, connectionWindow, streamReadBuffer, udpReceiveBuffer, udpSendBuffer,
                streamOpenTimeout, maxUdpPayload, segmentOffload);
    }

    /** A copy with other flow-control windows and stream read buffer. */
    public QuicConfig withWindows(long stream, long connection, int readBuffer) {
        return new QuicConfig(maxIdleTimeout, keepAliveInterval, handshakeTimeout, maxStreamsPerConnection,
                maxConnections, maxPendingInbound, stream, connection, readBuffer, udpReceiveBuffer, udpSendBuffer,
                streamOpenTimeout, maxUdpPayload, segmentOffload);
    }

    /** A copy in which opening a stream waits at most {@code timeout} for the remote's stream credit. */
    public QuicConfig withStreamOpenTimeout(Duration timeout) {
        return new QuicConfig(maxIdleTimeout, keepAliveInterval, handshakeTimeout, maxStreamsPerConnection,
                maxConnections, maxPendingInbound, streamWindow, connectionWindow, streamReadBuffer, udpReceiveBuffer,
                udpSendBuffer, timeout, maxUdpPayload, segmentOffload);
    }

    /**
     * A copy with another packet-size ceiling and segmentation offload choice (a benchmark compares
     * them; 1200 and {@code false} are the settings before path-MTU discovery and GSO were used).
     */
    public QuicConfig withPackets(int udpPayload, boolean offload) {
        return new QuicConfig(maxIdleTimeout, keepAliveInterval, handshakeTimeout, maxStreamsPerConnection,
                maxConnections, maxPendingInbound, streamWindow, connectionWindow, streamReadBuffer, udpReceiveBuffer,
                udpSendBuffer, streamOpenTimeout, udpPayload, offload);
    }
}
