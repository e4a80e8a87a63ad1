package io.p2pkit.core.network;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits a relay applies to a relayed connection (circuit relay v2's {@code Limit}): the
 * connection is closed once it has been open for {@code duration} or once {@code dataBytes} have
 * passed in either direction. A zero duration or zero byte count means no limit of that kind.
 * A connection that has one is <em>limited</em>: see {@link Connection#limit()}.
 *
 * @param duration  how long the connection may stay open; {@link Duration#ZERO} for no limit
 * @param dataBytes how many bytes may pass in each direction; 0 for no limit
 */
public record ConnectionLimit(Duration duration, long dataBytes) {
    public ConnectionLimit {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || dataBytes < 0) {
            throw new IllegalArgumentException("negative limit: " + duration + ", " + dataBytes + " bytes");
        }
    }
}
