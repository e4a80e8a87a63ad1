package io.p2pkit.node.console;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The round-trip time of each connected peer, for the console: one ping per peer every
 * {@link #INTERVAL}, at most {@link #MAX_PEERS} peers a round, on the host's own threads.
 */
final class LatencyProbe implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(15);
    static final int MAX_PEERS = 64;

    private final Host host;
    private final Map<PeerId, Duration> rtt = new ConcurrentHashMap<>();
    /** A round still pinging (slow peers) makes the next one skip, so that rounds never pile up. */
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    private final ScheduledFuture<?> task;

    LatencyProbe(Host host, ScheduledExecutorService scheduler) {
        this.host = host;
        this.task = scheduler.scheduleWithFixedDelay(() -> {
            if (running.compareAndSet(false, true)) {
                host.spawn("p2pkit-console-ping", () -> {
                    try {
                        round();
                    } finally {
                        running.set(false);
                    }
                });
            }
        }, 1, INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    private void round() {
        Optional<PingService> ping = host.service(PingService.class);
        if (ping.isEmpty()) {
            return;
        }
        rtt.keySet().removeIf(p -> host.network().connection(p).isEmpty()); // only connected peers are kept
        int n = 0;
        for (Connection c : host.network().connections()) {
            if (n++ >= MAX_PEERS) {
                break;
            }
            try (PingSession s = ping.get().session(c)) {
                rtt.put(c.remotePeer(), s.ping());
            } catch (IOException | RuntimeException e) {
                rtt.remove(c.remotePeer()); // the peer does not answer pings: its latency is unknown
            }
        }
    }

    /** The last round-trip time measured to {@code peer}, if any. */
    Optional<Duration> rtt(PeerId peer) {
        return Optional.ofNullable(rtt.get(peer));
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
