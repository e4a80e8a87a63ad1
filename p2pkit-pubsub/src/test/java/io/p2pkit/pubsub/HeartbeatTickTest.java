package io.p2pkit.pubsub;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.pubsub.flood.FloodRouter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The heartbeat timer: a burst of ticks from a scheduler catching up runs one heartbeat, not many. */
class HeartbeatTickTest {
    private static final Duration PERIOD = Duration.ofMinutes(1);

    /** A scheduler that hands the heartbeat's fixed-rate task to the test instead of running it. */
    private static final class CapturingScheduler extends ScheduledThreadPoolExecutor {
        final AtomicReference<Runnable> heartbeat = new AtomicReference<>();

        CapturingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            if (unit.toNanos(period) == PERIOD.toNanos()) {
                heartbeat.set(command);
                return super.schedule(() -> { }, 1, TimeUnit.DAYS);
            }
            return super.scheduleAtFixedRate(command, initialDelay, period, unit);
        }
    }

    /** Floodsub, counting heartbeats. */
    private static final class CountingRouter implements Router {
        final FloodRouter inner = new FloodRouter();
        final AtomicInteger heartbeats = new AtomicInteger();

        @Override
        public List<String> protocols() {
            return inner.protocols();
        }

        @Override
        public void start(RouterContext context) {
            inner.start(context);
        }

        @Override
        public void addPeer(PeerId peer, String protocol) {
            inner.addPeer(peer, protocol);
        }

        @Override
        public void removePeer(PeerId peer) {
            inner.removePeer(peer);
        }

        @Override
        public void join(String topic) {
            inner.join(topic);
        }

        @Override
        public void leave(String topic) {
            inner.leave(topic);
        }

        @Override
        public Set<PeerId> forward(PeerId source, MessageId id, PubsubMessage message) {
            return inner.forward(source, id, message);
        }

        @Override
        public void heartbeat() {
            heartbeats.incrementAndGet();
            inner.heartbeat();
        }
    }

    @Test
    void aBurstOfTicksRunsOneHeartbeat() throws Exception {
        CapturingScheduler scheduler = new CapturingScheduler();
        MemoryNetwork network = new MemoryNetwork();
        try (Host h = Host.builder().identity(PrivateKey.generateEd25519()).transport(key -> network.transport())
                .listen("/memory/0").security("plaintext").muxers("yamux").identify(false).ping(false)
                .scheduler(scheduler).build()) {
            CountingRouter router = new CountingRouter();
            PubSub ps = PubSub.start(h, PubsubConfig.builder().heartbeatInterval(PERIOD).build(), router);
            Runnable tick = scheduler.heartbeat.get();
            assertNotNull(tick, "pubsub scheduled no heartbeat at its period");
            // Five overdue executions in a row, as a stalled fixed-rate task delivers them.
            for (int i = 0; i < 5; i++) {
                tick.run();
            }
            // Commands run in order: once this query has run, any queued heartbeat has too.
            assertEquals(1, (int) ps.inspect(r -> router.heartbeats.get()));
            // Another tick right after the heartbeat (well within half a period) is dropped as well.
            tick.run();
            assertEquals(1, (int) ps.inspect(r -> router.heartbeats.get()));
            ps.close();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
