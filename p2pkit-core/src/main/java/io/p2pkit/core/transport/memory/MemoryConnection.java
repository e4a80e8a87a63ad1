package io.p2pkit.core.transport.memory;

import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;

/**
 * One end of an in-memory connection, made by {@link #pair()}. Each direction is a bounded
 * buffer: writes block while it is full, reads block while it is empty. {@link #closeWrite()}
 * gives the other end end-of-stream once it has read what was buffered; {@link #close()} does the
 * same and also makes the other end's writes fail, and wakes every thread blocked on either end.
 *
 * <p>This is the byte pipe of the in-memory transport and the usual way to test layers above
 * the transport (security, muxers, negotiation) without sockets.
 */
public final class MemoryConnection implements RawConnection {
    /** The buffer size per direction used by {@link #pair()}: 64 KiB. */
    public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

    private final String name;
    private final BytePipe inbound;
    private final BytePipe outbound;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    private MemoryConnection(String name, BytePipe inbound, BytePipe outbound) {
        this.name = name;
        this.inbound = inbound;
        this.outbound = outbound;
    }

    /** The two ends of one in-memory connection. */
    public record Pair(MemoryConnection initiator, MemoryConnection responder) {
        /** Both ends must be given. */
        public Pair {
            Objects.requireNonNull(initiator, "initiator");
            Objects.requireNonNull(responder, "responder");
        }

        /** Closes both ends. */
        public void closeBoth() throws IOException {
            initiator.close();
            responder.close();
        }
    }

    /** Two connected ends with {@link #DEFAULT_BUFFER_BYTES} of buffer per direction. */
    public static Pair pair() {
        return pair(DEFAULT_BUFFER_BYTES);
    }

    /**
     * Two connected ends with {@code bufferBytes} of buffer per direction.
     *
     * @throws IllegalArgumentException if {@code bufferBytes} is not positive
     */
    public static Pair pair(int bufferBytes) {
        return pair(bufferBytes, Duration.ZERO);
    }

    /**
     * Two connected ends with {@code bufferBytes} of buffer per direction, where every write becomes
     * readable on the other end only after {@code oneWayDelay}: a link with latency.
     *
     * @throws IllegalArgumentException if {@code bufferBytes} is not positive or the delay negative
     */
    public static Pair pair(int bufferBytes, Duration oneWayDelay) {
        long delay = oneWayDelay.toNanos();
        BytePipe toResponder = new BytePipe(bufferBytes, delay);
        BytePipe toInitiator = new BytePipe(bufferBytes, delay);
        return new Pair(new MemoryConnection("initiator", toInitiator, toResponder),
                new MemoryConnection("responder", toResponder, toInitiator));
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeWrite() {
        outbound.closeWriter();
    }

    @Override
    public void close() {
        outbound.closeWriter();
        inbound.closeReader();
    }

    @Override
    public String toString() {
        return "MemoryConnection[" + name + "]";
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = inbound.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            return inbound.read(b, off, len);
        }

        @Override
        public int available() {
            return inbound.available();
        }

        /** Stops reading: the remote's writes fail from now on. */
        @Override
        public void close() {
            inbound.closeReader();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            outbound.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            outbound.write(b, off, len);
        }

        /** Half-closes, like {@link MemoryConnection#closeWrite()}. */
        @Override
        public void close() {
            outbound.closeWriter();
        }
    }
}
