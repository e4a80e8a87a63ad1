package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.Direction;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.testing.Await;
import io.p2pkit.core.transport.LeanInputStream;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.p2pkit.core.muxer.yamux.SessionPair.quiet;
import static io.p2pkit.core.resource.MemoryLimits.manager;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void theInitialWindowIsNotChargedAsInGoYamux() throws Exception {
        ResourceManager rm = manager(64L << 20);
        ConnectionSpan span = span(rm);
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * KIB);
        Yamux yamux = new Yamux(quiet());
        YamuxSession dialer = yamux.wrap(pair.initiator(), true, span);
        YamuxSession listener = yamux.wrap(pair.responder(), false, span);
        try {
            YamuxStream a = dialer.openStream();
            YamuxStream b = dialer.openStream();
            a.out().write(1);
            a.out().flush();
            YamuxStream in = listener.acceptStream();
            assertEquals(1, in.in().read());
            // only the read loops' header buffers come and go (8 KiB while bytes wait in them)
            Await.until("the read loops idle, nothing charged", () -> rm.system().used(Resource.MEMORY) == 0);
            in.close();
            a.close();
            b.reset();
        } finally {
            dialer.close();
            listener.close();
        }
        Await.until("everything released", () -> rm.system().used(Resource.MEMORY) == 0);
        span.close();
        assertTrue(rm.system().usage().isEmpty(), "nothing left: " + rm.system().usage());
    }

    @Test
    void manyConcurrentStreamsFitATightConnectionLimit() throws Exception {
        // 1 MiB would hold four initial windows; a hundred streams still open because only growth is charged.
        ResourceManager rm = manager(1L << 20);
        ConnectionSpan span = span(rm);
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * KIB);
        Yamux yamux = new Yamux(quiet());
        YamuxSession dialer = yamux.wrap(pair.initiator(), true, span);
        YamuxSession listener = yamux.wrap(pair.responder(), false, span);
        try {
            List<YamuxStream> opened = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                YamuxStream s = dialer.openStream();
                s.out().write(i);
                s.out().flush();
                opened.add(s);
            }
            for (int i = 0; i < 100; i++) {
                YamuxStream in = listener.acceptStream();
                assertTrue(in.in().read() >= 0);
                in.reset();
            }
            for (YamuxStream s : opened) {
                s.reset();
            }
        } finally {
            dialer.close();
            listener.close();
        }
        Await.until("everything released", () -> rm.system().used(Resource.MEMORY) == 0);
        span.close();
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
        // Growth reserves at priority 128 (129/256 of the limit): with 500 KiB the first doubling (256 KiB) is refused.
        ResourceManager rm = manager(500 * KIB);
        ConnectionSpan span = span(rm);
        AtomicLong peak = new AtomicLong();
        long window = transfer(span, 8 << 20, peak, rm);
        assertEquals(WINDOW, window, "the window stayed at its initial size");
        // the read loop's 8 KiB header buffer comes and goes; window growth is never reserved
        assertTrue(peak.get() <= LeanInputStream.BUFFER_BYTES,
                "nothing but the read buffer was ever reserved: " + peak.get());
        assertTrue(rm.blocked().keySet().stream().anyMatch(k -> k.resource() == Resource.MEMORY),
                "the refused growth is counted: " + rm.blocked());
        Await.until("everything released", () -> rm.system().used(Resource.MEMORY) == 0);
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
        // the read loop gives its read buffer back as it ends, just after the close
        Await.until("everything released", () -> rm.system().used(Resource.MEMORY) == 0);
        span.close();
    }

    @Test
    void aWriteWithoutRoomForItsBufferFailsAloneAndTheConnectionLivesOn() throws Exception {
        ResourceManager rm = manager(1L << 20);
        ConnectionSpan span = span(rm);
        MemoryConnection.Pair pair = MemoryConnection.pair(256 * KIB);
        Yamux yamux = new Yamux(quiet());
        YamuxSession dialer = yamux.wrap(pair.initiator(), true, span);
        YamuxSession listener = yamux.wrap(pair.responder(), false);
        try {
            YamuxStream out = dialer.openStream();
            Await.until("the dialer idle", () -> rm.system().used(Resource.MEMORY) == 0);
            long rest = (1L << 20) - 1024; // the frame writer's buffer no longer fits
            span.reserveMemory(rest, io.p2pkit.core.resource.MemoryPriority.ALWAYS);
            ResourceLimitException refused = assertThrows(ResourceLimitException.class, () -> out.out().write(7));
            assertEquals(Resource.MEMORY, refused.resource());
            span.releaseMemory(rest);
            // nothing was sent and nothing lost: the stream opens with the next write
            out.out().write(8);
            out.out().flush();
            YamuxStream in = listener.acceptStream();
            assertEquals(8, in.in().read());
            in.out().write(9);
            in.out().flush();
            assertEquals(9, out.in().read());
        } finally {
            dialer.close();
            listener.close();
        }
        Await.until("everything released", () -> rm.system().used(Resource.MEMORY) == 0);
        span.close();
    }
}
