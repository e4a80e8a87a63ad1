package io.p2pkit.quic.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicStreamChannel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * How many bytes quiche would send on a stream right now: the smaller of the connection's send
 * capacity (congestion window room and connection credit) and the stream's credit. Netty keeps
 * this only as a cached value that goes stale when ACKs free the congestion window, so the live
 * value is read through Netty's package-private {@code QuicheQuicChannel.streamCapacity(long)}.
 * If that is missing (another Netty version), {@link #UNKNOWN} is returned and callers behave as
 * if there were room. Shared with the WebTransport module (a qualified export), not API.
 */
public final class SendCapacity {
    /** Returned when the live capacity cannot be read. */
    public static final long UNKNOWN = Long.MAX_VALUE;

    private static final MethodHandle STREAM_CAPACITY = find();

    private SendCapacity() {
    }

    private static MethodHandle find() {
        try {
            Class<?> quiche = Class.forName("io.netty.handler.codec.quic.QuicheQuicChannel");
            var method = quiche.getDeclaredMethod("streamCapacity", long.class);
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method)
                    .asType(MethodType.methodType(long.class, Channel.class, long.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the live value can be read with this Netty version. */
    public static boolean isAvailable() {
        return STREAM_CAPACITY != null;
    }

    /**
     * The live send capacity of {@code stream} in bytes; negative when quiche reports an error for
     * the stream (stopped or already collected); {@link #UNKNOWN} when it cannot be read. Call on
     * the stream's event loop.
     */
    public static long of(QuicStreamChannel stream) {
        if (STREAM_CAPACITY == null) {
            return UNKNOWN;
        }
        try {
            return (long) STREAM_CAPACITY.invokeExact((Channel) stream.parent(), stream.streamId());
        } catch (Throwable e) {
            return UNKNOWN;
        }
    }
}
