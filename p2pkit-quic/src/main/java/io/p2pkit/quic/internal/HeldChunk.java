package io.p2pkit.quic.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The newest chunk a QUIC stream's writer wrote, held back briefly so that a {@code closeWrite()}
 * right after it sends it together with the FIN: quiche loses a FIN written without data after
 * the stream's data was sent (cloudflare/quiche#2525, docs/QUIC.md). Small writes in a row (a
 * multistream header, then the message) join the held chunk and leave as one frame. Not thread
 * safe: every call is made with the owning stream's lock held, and the sender must keep order
 * (hand its frames to the event loop's queue). Shared by the QUIC and WebTransport streams.
 */
public final class HeldChunk {
    /** How long the newest chunk may wait for more data or the FIN before it is sent alone. */
    public static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final int maxChunk;
    private final BiConsumer<ByteBuf, Boolean> sender;
    private ByteBuf held;

    /**
     * @param maxChunk the most bytes one chunk holds
     * @param sender   hands a chunk to Netty, with the FIN when its second argument is true
     */
    public HeldChunk(int maxChunk, BiConsumer<ByteBuf, Boolean> sender) {
        this.maxChunk = maxChunk;
        this.sender = sender;
    }

    /**
     * Holds {@code n} bytes of {@code b}: they join the held chunk when they fit, else the held one
     * is sent and these are held in its place.
     *
     * @return whether a new chunk is held (its owner then schedules {@link #flush()} after {@link #HOLD_NANOS})
     */
    public boolean add(ByteBufAllocator alloc, byte[] b, int off, int n) {
        ByteBuf previous = held;
        if (previous != null && previous.readableBytes() + n <= maxChunk) {
            previous.writeBytes(b, off, n);
            return false;
        }
        ByteBuf buf = alloc.directBuffer(n);
        buf.writeBytes(b, off, n);
        held = buf;
        if (previous != null) {
            sender.accept(previous, false);
        }
        return true;
    }

    /** Sends the held chunk, if any, without the FIN: its time is up, or a read has to wait. */
    public void flush() {
        ByteBuf h = held;
        held = null;
        if (h != null) {
            sender.accept(h, false);
        }
    }

    /** Sends the held chunk with the FIN; false when nothing is held (the FIN must then go alone). */
    public boolean finish() {
        ByteBuf h = held;
        held = null;
        if (h == null) {
            return false;
        }
        sender.accept(h, true);
        return true;
    }

    /** Drops the held chunk: the stream is reset or failed. */
    public void drop() {
        ByteBuf h = held;
        held = null;
        if (h != null) {
            h.release();
        }
    }
}
