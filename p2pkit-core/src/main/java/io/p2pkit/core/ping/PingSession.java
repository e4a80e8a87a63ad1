package io.p2pkit.core.ping;

import io.p2pkit.core.host.Stream;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/** One ping stream: each {@link #ping()} sends 32 random bytes and waits for them to come back. */
public final class PingSession implements Closeable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Stream stream;

    PingSession(Stream stream) {
        this.stream = stream;
    }

    /**
     * Sends one ping and returns the round-trip time.
     *
     * @throws IOException if the stream fails or the echo differs from what was sent
     */
    public Duration ping() throws IOException {
        byte[] payload = new byte[PingService.SIZE];
        RANDOM.nextBytes(payload);
        long start = System.nanoTime();
        stream.out().write(payload);
        stream.out().flush();
        byte[] echo = stream.in().readNBytes(PingService.SIZE);
        long rtt = System.nanoTime() - start;
        if (echo.length < PingService.SIZE) {
            throw new EOFException("the remote closed the ping stream");
        }
        if (!Arrays.equals(payload, echo)) {
            throw new IOException("ping answer differs from the payload sent");
        }
        return Duration.ofNanos(rtt);
    }

    /** The stream the pings run on. */
    public Stream stream() {
        return stream;
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
