package io.p2pkit.core.perf;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.network.Connection;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * {@code /perf/1.0.0} (libp2p perf spec): the client sends the number of bytes it wants back as
 * one big-endian u64, uploads any number of bytes and closes its write side; the server drains
 * to end of stream, then sends the requested count and closes. Serving it is off by default
 * ({@code HostBuilder.perf(true)} turns it on): anyone can make a server send data.
 *
 * <p>The client half ({@link #measure}) works on any host, serving or not.
 */
public final class PerfService implements Closeable {
    /** The protocol ID. */
    public static final String PROTOCOL_ID = "/perf/1.0.0";

    private final Host host;
    private final LongSupplier nanoClock;
    private final boolean serving;

    private PerfService(Host host, LongSupplier nanoClock, boolean serving) {
        this.host = host;
        this.nanoClock = nanoClock;
        this.serving = serving;
    }

    /** Serves perf on {@code host} and returns the service. */
    public static PerfService attach(Host host) {
        PerfService p = new PerfService(host, System::nanoTime, true);
        host.setStreamHandler(PROTOCOL_ID, p::serve);
        return p;
    }

    /** A client only: does not serve perf on {@code host}. */
    public static PerfService client(Host host) {
        return new PerfService(host, System::nanoTime, false);
    }

    private void serve(Stream stream) throws IOException {
        byte[] buf = new byte[PerfWire.BUFFER_SIZE];
        PerfWire.serve(stream.in(), stream.out(), buf);
        stream.closeWrite();
    }

    /**
     * Runs perf on a new stream: uploads {@code uploadBytes}, then downloads {@code downloadBytes}.
     * The listener hears about once per second how many bytes moved.
     *
     * @throws PerfException if the server sends more or fewer bytes than asked for
     * @throws IOException   if the stream fails
     */
    public PerfResult measure(Connection connection, long uploadBytes, long downloadBytes, PerfListener listener)
            throws IOException {
        if (uploadBytes < 0 || downloadBytes < 0) {
            throw new IllegalArgumentException("byte counts must not be negative");
        }
        long start = nanoClock.getAsLong();
        Stream s = host.newStream(connection, PROTOCOL_ID);
        boolean ok = false;
        try {
            byte[] buf = new byte[PerfWire.BUFFER_SIZE];
            // The request goes out with the first data write, in one frame with the negotiation.
            s.out().write(PerfWire.encodeRequest(downloadBytes));
            PerfWire.send(s.out(), uploadBytes, buf,
                    new ProgressMeter(PerfProgress.Phase.UPLOAD, listener, nanoClock, INTERVAL_NANOS));
            s.closeWrite();
            long uploaded = nanoClock.getAsLong();
            long received = PerfWire.drain(s.in(), buf, downloadBytes,
                    new ProgressMeter(PerfProgress.Phase.DOWNLOAD, listener, nanoClock, INTERVAL_NANOS));
            PerfWire.expect(downloadBytes, received);
            long end = nanoClock.getAsLong();
            ok = true;
            return new PerfResult(uploadBytes, received, Duration.ofNanos(uploaded - start), Duration.ofNanos(end - start));
        } finally {
            if (ok) {
                s.close();
            } else {
                s.reset();
            }
        }
    }

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    /** Stops serving perf if this instance was attached; a client-only instance has nothing to close. */
    @Override
    public void close() {
        if (serving) {
            host.removeStreamHandler(PROTOCOL_ID);
        }
    }
}
