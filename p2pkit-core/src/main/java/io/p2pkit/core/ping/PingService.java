package io.p2pkit.core.ping;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.network.Connection;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code /ipfs/ping/1.0.0}: the dialer sends 32 random bytes, the listener sends them back, as
 * many times as the dialer likes on one stream. The listener resets a stream that stays idle for
 * {@link #IDLE_TIMEOUT}, as go-libp2p does.
 */
public final class PingService implements Closeable {
    /** The protocol ID. */
    public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";
    /** Size of each ping payload. */
    public static final int SIZE = 32;
    /** How long the listener waits for the next ping before resetting the stream. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final Host host;

    private PingService(Host host) {
        this.host = host;
    }

    /** Serves ping on {@code host} and returns the service. */
    public static PingService attach(Host host) {
        PingService p = new PingService(host);
        // ping runs on limited (relayed) connections too, as in go-libp2p
        host.setStreamHandler(PROTOCOL_ID, p::serve, LimitedConnections.ALLOW);
        return p;
    }

    private void serve(Stream stream) throws IOException {
        byte[] buf = new byte[SIZE];
        while (true) {
            ScheduledFuture<?> idle = host.scheduler().schedule(stream::reset, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int n;
            try {
                n = stream.in().readNBytes(buf, 0, SIZE);
            } finally {
                idle.cancel(false);
            }
            if (n == 0) {
                return; // the dialer is done
            }
            if (n < SIZE) {
                throw new EOFException("ping payload cut short after " + n + " bytes");
            }
            stream.out().write(buf);
            stream.out().flush();
        }
    }

    /** Pings {@code peer} once on a new stream (connecting first if needed) and returns the round-trip time. */
    public Duration ping(PeerInfo peer) throws IOException {
        try (PingSession s = session(host.connect(peer))) {
            return s.ping();
        }
    }

    /** Opens a ping stream on {@code connection} for repeated pings. */
    public PingSession session(Connection connection) throws IOException {
        return new PingSession(host.newStream(connection, LimitedConnections.ALLOW, PROTOCOL_ID));
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
