package io.p2pkit.nat.relay;

import io.p2pkit.core.network.ConnectionLimit;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.time.Duration;

/**
 * {@code Limit}: the duration (seconds, uint32) and data (bytes each way, uint64) a relay allows a
 * relayed connection; zero means no limit of that kind.
 */
record LimitMessage(long durationSeconds, long dataBytes) {
    static LimitMessage of(ConnectionLimit limit) {
        return new LimitMessage(Math.min(0xFFFFFFFFL, limit.duration().toSeconds()), limit.dataBytes());
    }

    /** As a connection's limit; an unsigned data count past {@code Long.MAX_VALUE} is as good as none. */
    ConnectionLimit toLimit() {
        return new ConnectionLimit(Duration.ofSeconds(durationSeconds), dataBytes < 0 ? 0 : dataBytes);
    }

    ProtobufWriter writer() {
        return new ProtobufWriter().varint(1, durationSeconds).varint(2, dataBytes);
    }

    static LimitMessage read(ProtobufReader r) {
        long duration = 0;
        long data = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> duration = Integer.toUnsignedLong(r.uint32());
                case 2 -> data = r.varint();
                default -> r.skip();
            }
        }
        return new LimitMessage(duration, data);
    }
}
