package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.transport.memory.MemoryConnection;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dialer and a listener session over one in-memory connection, for tests. */
final class SessionPair implements AutoCloseable {
    final YamuxSession dialer;
    final YamuxSession listener;

    SessionPair(Yamux yamux) throws IOException {
        this(yamux, yamux);
    }

    SessionPair(Yamux dialerMuxer, Yamux listenerMuxer) throws IOException {
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * 1024);
        dialer = dialerMuxer.wrap(pair.initiator(), true);
        listener = listenerMuxer.wrap(pair.responder(), false);
    }

    /** Keep-alive off so that tests see no frames they did not cause. */
    static YamuxConfig quiet() {
        return YamuxConfig.defaults().withKeepAlive(Duration.ZERO, Duration.ofSeconds(10));
    }

    @Override
    public void close() throws Exception {
        dialer.close();
        listener.close();
        joinAll(dialer);
        joinAll(listener);
    }

    static void joinAll(YamuxSession s) throws InterruptedException {
        assertTrue(s.readLoopThread().join(Duration.ofSeconds(10)), "read loop ended");
        assertTrue(s.flusherThread().join(Duration.ofSeconds(10)), "flusher ended");
    }

    /** Waits, with a deadline, for a condition another thread makes true. */
    static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    /** Like {@link #await(String, BooleanSupplier)}, describing the state on failure. */
    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " " + state.get());
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
