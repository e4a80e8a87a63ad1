package io.p2pkit.node.exchange;

import io.p2pkit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Kubo 0.39's three provider states, from the DHT's peers and the offline delay. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProviderConnectivityTest {
    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

    @Test
    void startsOfflineGoesOnlineThenDisconnectedThenOfflineAfterTheDelay() {
        AtomicInteger peers = new AtomicInteger();
        ManualClock clock = new ManualClock(T0);
        ProviderConnectivity c = new ProviderConnectivity(peers::get, Duration.ofHours(2), clock);
        // not online yet: shown offline, as Kubo's provider starts, but the queue is kept for the delay
        assertEquals(ProviderConnectivity.State.DISCONNECTED, c.check());
        assertEquals(new SweepStats.Connectivity("offline", Optional.empty()), c.stats());

        clock.advance(Duration.ofMinutes(1));
        peers.set(3);
        assertEquals(ProviderConnectivity.State.ONLINE, c.check());
        assertEquals(new SweepStats.Connectivity("online", Optional.of(T0.plusSeconds(60))), c.stats());

        clock.advance(Duration.ofMinutes(10));
        peers.set(0);
        assertEquals(ProviderConnectivity.State.DISCONNECTED, c.check());
        Instant lost = clock.instant();
        assertEquals(new SweepStats.Connectivity("disconnected", Optional.of(lost)), c.stats());
        clock.advance(Duration.ofHours(2).minusSeconds(1));
        assertEquals(ProviderConnectivity.State.DISCONNECTED, c.check(), "not yet the delay");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(ProviderConnectivity.State.OFFLINE, c.check());
        assertEquals(new SweepStats.Connectivity("offline", Optional.of(clock.instant())), c.stats());

        clock.advance(Duration.ofMinutes(5));
        peers.set(1);
        assertEquals(ProviderConnectivity.State.ONLINE, c.check(), "back at once with a peer");
    }

    @Test
    void neverOnlineIsOfflineOnceTheDelayHasPassedSinceTheStart() {
        ManualClock clock = new ManualClock(T0);
        ProviderConnectivity c = new ProviderConnectivity(() -> 0, Duration.ofMinutes(30), clock);
        clock.advance(Duration.ofMinutes(30));
        assertEquals(ProviderConnectivity.State.OFFLINE, c.check());
        assertEquals("offline", c.stats().status());
        ProviderConnectivity zero = new ProviderConnectivity(() -> 0, Duration.ZERO, clock);
        assertEquals(ProviderConnectivity.State.OFFLINE, zero.check(), "a zero delay: offline as soon as there is no peer");
        assertThrows(IllegalArgumentException.class, () -> new ProviderConnectivity(() -> 0, Duration.ofSeconds(-1), clock));
    }
}
