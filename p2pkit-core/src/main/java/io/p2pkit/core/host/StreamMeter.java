package io.p2pkit.core.host;

import io.p2pkit.core.Direction;
import io.p2pkit.core.network.Connection;

import java.util.function.LongConsumer;

/**
 * Counts the bytes of a host's streams, for bandwidth metrics by protocol and by peer. Set one
 * with {@link Host#setStreamMeter}; it is asked once per stream, when its protocol is known, and
 * the counters it returns are then called on every read and write, so they must be cheap (an
 * adder, not a map lookup).
 */
public interface StreamMeter {
    /** Where one stream's bytes go: {@code received} and {@code sent} get each read's and write's byte count. */
    record Counters(LongConsumer received, LongConsumer sent) {
    }

    /** The counters for a new stream of {@code protocol} on {@code connection}. */
    Counters open(String protocol, Direction direction, Connection connection);
}
