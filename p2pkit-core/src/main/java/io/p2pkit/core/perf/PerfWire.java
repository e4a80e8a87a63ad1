package io.p2pkit.core.perf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The byte-level halves of {@code /perf/1.0.0} shared by client and server. */
final class PerfWire {
    /** Size of the buffers on the data path: large writes become few, full muxer frames. */
    static final int BUFFER_SIZE = 128 * 1024;
    /** Length of the request: one big-endian unsigned 64-bit count. */
    static final int REQUEST_SIZE = 8;

    private PerfWire() {
    }

    /** Encodes the count of bytes the client wants back. */
    static byte[] encodeRequest(long downloadBytes) {
        if (downloadBytes < 0) {
            throw new IllegalArgumentException("negative byte count " + downloadBytes);
        }
        byte[] b = new byte[REQUEST_SIZE];
        for (int i = 0; i < REQUEST_SIZE; i++) {
            b[i] = (byte) (downloadBytes >>> (56 - 8 * i));
        }
        return b;
    }

    /**
     * Reads the request. Counts of 2^63 and above are refused: no run moves that much, and a
     * {@code long} cannot count it.
     */
    static long readRequest(InputStream in) throws IOException {
        byte[] b = new byte[REQUEST_SIZE];
        int n = in.readNBytes(b, 0, REQUEST_SIZE);
        if (n < REQUEST_SIZE) {
            throw new PerfException("request cut short: " + n + " of " + REQUEST_SIZE + " bytes before end of stream");
        }
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        if (v < 0) {
            throw new PerfException("requested byte count " + Long.toUnsignedString(v) + " is above 2^63-1");
        }
        return v;
    }

    /** Writes {@code count} bytes from {@code buf} (its content does not matter) in buffer-sized writes. */
    static void send(OutputStream out, long count, byte[] buf, ProgressMeter meter) throws IOException {
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
            if (meter != null) {
                meter.add(n);
            }
        }
        out.flush();
    }

    /**
     * Reads to end of stream and returns the count. With {@code limit >= 0} more than {@code limit}
     * bytes is a {@link PerfException} thrown as soon as the excess arrives.
     */
    static long drain(InputStream in, byte[] buf, long limit, ProgressMeter meter) throws IOException {
        long total = 0;
        while (true) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                return total;
            }
            total += n;
            if (meter != null) {
                meter.add(n);
            }
            if (limit >= 0 && total > limit) {
                throw new PerfException("peer sent more than the " + limit + " bytes asked for");
            }
        }
    }

    /** Serves one request: count, drain to end of stream, send the count back. Returns bytes received. */
    static long serve(InputStream in, OutputStream out, byte[] buf) throws IOException {
        long toSend = readRequest(in);
        long received = drain(in, buf, -1, null);
        send(out, toSend, buf, null);
        return received;
    }

    /** Fails with a clear message when the stream ends before the expected count. */
    static void expect(long expected, long actual) throws PerfException {
        if (actual != expected) {
            throw new PerfException("stream ended after " + actual + " of the " + expected + " bytes asked for");
        }
    }
}
