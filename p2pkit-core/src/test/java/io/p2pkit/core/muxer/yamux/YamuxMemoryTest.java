package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.Direction;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.StreamResetException;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.p2pkit.core.muxer.yamux.SessionPair.await;
import static io.p2pkit.core.muxer.yamux.SessionPair.quiet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Yamux receive windows are reserved in the connection's memory scope, and refusals behave. */
class YamuxMemoryTest {
    private static final int KIB = 1024;
    private static final long WINDOW = YamuxConfig.SPEC_INITIAL_WINDOW;

    /** A manager whose connection scope allows {@code bytes} of memory, and a connection span in it. */
    private static ConnectionSpan span(ResourceManager rm) throws ResourceLimitException {
        return rm.openConnection(Direction.INBOUND, false);
    }

    private static ResourceManager manager(long connectionMemory) {
        return new ResourceManager(ResourceManagerConfig.builder()
                .connection(ResourceLimits.unlimited().with(Resource.MEMORY, connectionMemory)).build());
    }

    @Test
    void streamsReserveTheirWindowAndReleaseItWhenDone() throws Exception {
        ResourceManager rm = manager(64L << 20);
        ConnectionSpan span = span(rm);
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * KIB);
        Yamux yamux = new Yamux(quiet());
        YamuxSession dialer = yamux.wrap(pair.initiator(), true, span);
        YamuxSession listener = yamux.wrap(pair.responder(), false);
        try {
            YamuxStream a = dialer.openStream();
            YamuxStream b = dialer.openStream();
            assertEquals(2 * WINDOW, rm.system().used(Resource.MEMORY));
            a.out().write(1);
            YamuxStream in = listener.acceptStream();
            assertEquals(1, in.in().read());
            in.close();
            a.close();
            await("a's window released", () -> rm.system().used(Resource.MEMORY) == WINDOW);
            b.reset();
            assertEquals(0, rm.system().used(Resource.MEMORY));
        } finally {
            dialer.close();
            listener.close();
        }
        assertEquals(0, rm.system().used(Resource.MEMORY));
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing left: " + rm.system().usage());
    }

    @Test
    void streamsBeyondTheMemoryLimitAreRefusedLocallyAndTheSessionLivesOn() throws Exception {
        // New streams reserve at HIGH priority (204/256 of the limit): 800 KiB admits two windows, not three.
        long limit = 800 * KIB;
        ResourceManager dialerRm = manager(limit);
        ResourceManager listenerRm = manager(limit);
        ConnectionSpan dialerSpan = span(dialerRm);
        ConnectionSpan listenerSpan = span(listenerRm);
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * KIB);
        Yamux yamux = new Yamux(quiet());
        YamuxSession dialer = yamux.wrap(pair.initiator(), true, dialerSpan);
        YamuxSession listener = yamux.wrap(pair.responder(), false, listenerSpan);
        try {
            YamuxStream a = dialer.openStream();
            YamuxStream b = dialer.openStream();
            ResourceLimitException local = assertThrows(ResourceLimitException.class, dialer::openStream);
            assertEquals("connection", local.scope());
            assertEquals(Resource.MEMORY, local.resource());
            assertTrue(local.getMessage().startsWith("local resource limit reached"), local.getMessage());

            // The listener holds one window of its own, so only one of the dialer's two fits there.
            YamuxStream own = listener.openStream();
            a.out().write(1);
            a.out().flush();
            YamuxStream accepted = listener.acceptStream();
            assertEquals(1, accepted.in().read());
            b.out().write(2);
            b.out().flush();
            IOException refused = assertThrows(IOException.class, () -> b.in().read());
            StreamResetException reset = assertInstanceOf(StreamResetException.class, refused);
            assertTrue(reset.byRemote(), "the dialer sees a reset by the remote");
            assertEquals(1, listener.streamsRefusedForMemory());
            assertTrue(listenerRm.blocked().keySet().stream().anyMatch(k -> k.resource() == Resource.MEMORY));

            // The session is fine: the accepted stream still works and pings are answered.
            accepted.out().write(3);
            accepted.out().flush();
            assertEquals(3, a.in().read());
            dialer.ping(Duration.ofSeconds(30));
            own.reset();
            accepted.reset();
        } finally {
            dialer.close();
            listener.close();
        }
        await("dialer memory back to zero", () -> dialerRm.system().used(Resource.MEMORY) == 0);
        await("listener memory back to zero", () -> listenerRm.system().used(Resource.MEMORY) == 0);
        dialerSpan.close();
        listenerSpan.close();
        assertTrue(listenerRm.system().usage().isEmpty());
    }

    /** Readings a fixed step apart, as in YamuxSessionTest: a step of 1 ns makes every epoch look fast. */
    private static final class SteppingClock implements java.util.function.LongSupplier {
        private final AtomicLong now = new AtomicLong();

        @Override
        public long getAsLong() {
            return now.incrementAndGet();
        }
    }

    /** Sends {@code size} bytes to a listener charged to {@code memory}; returns its final window. */
    private static long transfer(MemoryScope memory, int size, AtomicLong peakReserved, ResourceManager rm)
            throws Exception {
        ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1);
        try {
            Yamux yamux = new Yamux(quiet(), timers, new SteppingClock());
            MemoryConnection.Pair pair = MemoryConnection.pair(256 * KIB);
            YamuxSession dialer = yamux.wrap(pair.initiator(), true);
            YamuxSession listener = yamux.wrap(pair.responder(), false, memory);
            try {
                listener.ping(Duration.ofSeconds(30)); // an RTT, so that windows may grow
                byte[] data = new byte[size];
                new SplittableRandom(5).nextBytes(data);
                MuxedStream out = dialer.openStream();
                AtomicReference<IOException> failed = new AtomicReference<>();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        out.out().write(data);
                        out.closeWrite();
                    } catch (IOException e) {
                        failed.set(e);
                    }
                });
                YamuxStream in = listener.acceptStream();
                byte[] buf = new byte[64 * KIB];
                long total = 0;
                int n;
                while ((n = in.in().read(buf)) > 0) {
                    total += n;
                    if (rm != null) {
                        peakReserved.accumulateAndGet(rm.system().used(Resource.MEMORY), Math::max);
                    }
                }
                assertTrue(writer.join(Duration.ofSeconds(60)));
                assertEquals(null, failed.get());
                assertEquals(size, total);
                return in.receiveWindow();
            } finally {
                dialer.close();
                listener.close();
            }
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void theWindowDoesNotGrowBeyondTheMemoryLimit() throws Exception {
        // Growth reserves at priority 128 (129/256 of the limit): with 512 KiB the first doubling is refused.
        ResourceManager rm = manager(512 * KIB);
        ConnectionSpan span = span(rm);
        AtomicLong peak = new AtomicLong();
        long window = transfer(span, 8 << 20, peak, rm);
        assertEquals(WINDOW, window, "the window stayed at its initial size");
        assertEquals(WINDOW, peak.get(), "only the initial window was ever reserved");
        assertEquals(0, rm.system().used(Resource.MEMORY));
        span.close();
    }

    @Test
    void theWindowGrowsWhileTheMemoryLimitAllowsAndReleasesAllOfIt() throws Exception {
        // 4 MiB at priority 128 allows about 2 MiB: 256 KiB -> 512 KiB -> 1 MiB -> 2 MiB, then no further.
        ResourceManager rm = manager(4L << 20);
        ConnectionSpan span = span(rm);
        AtomicLong peak = new AtomicLong();
        long window = transfer(span, 32 << 20, peak, rm);
        assertEquals(2L << 20, window);
        assertTrue(peak.get() <= (4L << 20) * 129 / 256, "reserved at most the growth share: " + peak.get());
        assertEquals(0, rm.system().used(Resource.MEMORY));
        span.close();
    }
}
