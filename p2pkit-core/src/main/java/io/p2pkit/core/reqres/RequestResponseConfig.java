package io.p2pkit.core.reqres;

import io.p2pkit.core.host.LimitedConnections;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and options of one {@link RequestResponse} protocol. Start from {@link #defaults()}.
 *
 * @param timeout            how long one exchange may take, request written to response read on
 *                           the requesting side, request read to response written on the serving side
 * @param maxRequestBytes    the largest request accepted or sent
 * @param maxResponseBytes   the largest response accepted or sent
 * @param maxInboundPerPeer  requests one peer may have in flight to us; more are reset at once
 * @param maxInbound         requests all peers together may have in flight to us; more are reset at once
 * @param maxOutbound        requests we may have in flight; a caller over it waits for a slot within its timeout
 * @param limitedConnections whether the protocol also runs on limited (relayed) connections
 * @param framing            how a message is delimited on its stream
 */
public record RequestResponseConfig(Duration timeout, int maxRequestBytes, int maxResponseBytes,
                                    int maxInboundPerPeer, int maxInbound, int maxOutbound,
                                    LimitedConnections limitedConnections, Framing framing) {
    /** How messages are delimited. */
    public enum Framing {
        /** An unsigned varint length, then the message (most libp2p protocols). */
        LENGTH_PREFIXED,
        /** The message runs to the end of the writer's half of the stream. */
        UNTIL_END_OF_STREAM
    }

    public RequestResponseConfig {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(limitedConnections, "limitedConnections");
        Objects.requireNonNull(framing, "framing");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxRequestBytes < 1 || maxResponseBytes < 1 || maxInboundPerPeer < 1 || maxInbound < 1 || maxOutbound < 1) {
            throw new IllegalArgumentException("sizes and concurrency limits must be at least 1");
        }
        if (maxRequestBytes == Integer.MAX_VALUE || maxResponseBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a size limit must be below Integer.MAX_VALUE");
        }
    }

    /**
     * 10 s per exchange (rust-libp2p's default), 1 MiB requests, 10 MiB responses (the limits of
     * rust-libp2p's CBOR codec), 8 inbound requests per peer, 128 overall, 128 outbound, direct
     * connections only, length-prefixed messages.
     */
    public static RequestResponseConfig defaults() {
        return new RequestResponseConfig(Duration.ofSeconds(10), 1 << 20, 10 << 20, 8, 128, 128,
                LimitedConnections.REFUSE, Framing.LENGTH_PREFIXED);
    }

    /** With another timeout per exchange. */
    public RequestResponseConfig withTimeout(Duration t) {
        return new RequestResponseConfig(t, maxRequestBytes, maxResponseBytes, maxInboundPerPeer, maxInbound,
                maxOutbound, limitedConnections, framing);
    }

    /** With other size limits. */
    public RequestResponseConfig withMaxSizes(int request, int response) {
        return new RequestResponseConfig(timeout, request, response, maxInboundPerPeer, maxInbound, maxOutbound,
                limitedConnections, framing);
    }

    /** With other concurrency limits. */
    public RequestResponseConfig withConcurrency(int inboundPerPeer, int inbound, int outbound) {
        return new RequestResponseConfig(timeout, maxRequestBytes, maxResponseBytes, inboundPerPeer, inbound, outbound,
                limitedConnections, framing);
    }

    /** Running on limited (relayed) connections too, or not. */
    public RequestResponseConfig withLimitedConnections(LimitedConnections l) {
        return new RequestResponseConfig(timeout, maxRequestBytes, maxResponseBytes, maxInboundPerPeer, maxInbound,
                maxOutbound, l, framing);
    }

    /** With another framing. */
    public RequestResponseConfig withFraming(Framing f) {
        return new RequestResponseConfig(timeout, maxRequestBytes, maxResponseBytes, maxInboundPerPeer, maxInbound,
                maxOutbound, limitedConnections, f);
    }
}
