package io.p2pkit.core.connmgr;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionManagerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Set<PeerId> closedPeers = new HashSet<>();
    private final List<PeerId> peers = new ArrayList<>();

    private ConnectionManager manager(int low, int high, Duration grace, Duration silence) {
        return new ConnectionManager(new ConnectionManagerConfig(low, high, grace, silence), now::get, Runnable::run);
    }

    private PeerId peer(int i) {
        while (peers.size() <= i) {
            peers.add(PrivateKey.generateEd25519().publicKey().toPeerId());
        }
        return peers.get(i);
    }

    private void connect(ConnectionManager cm, int i) {
        PeerId p = peer(i);
        Object key = new Object();
        cm.track(p, key, () -> {
            closedPeers.add(p);
            cm.untrack(p, key);
        });
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void trimsLowestValueDownToTheLowWatermark() {
        ConnectionManager cm = manager(3, 5, Duration.ofSeconds(10), Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            connect(cm, i);
            cm.tagPeer(peer(i), "useful", i * 10);
        }
        advance(Duration.ofSeconds(11));
        connect(cm, 5); // the sixth passes the high watermark; peer 5 is in its grace period
        assertEquals(3, cm.connectionCount());
        assertEquals(Set.of(peer(0), peer(1), peer(2)), closedPeers);
    }

    @Test
    void neverTrimsProtectedPeersOrPeersInGrace() {
        ConnectionManager cm = manager(1, 3, Duration.ofSeconds(30), Duration.ZERO);
        connect(cm, 0);
        connect(cm, 1);
        cm.protect(peer(0), "relay");
        cm.protect(peer(0), "dht");
        advance(Duration.ofSeconds(31));
        connect(cm, 2);
        connect(cm, 3); // over the high watermark: only peer 1 is neither protected nor in grace
        assertEquals(Set.of(peer(1)), closedPeers);
        assertEquals(3, cm.connectionCount());
        assertTrue(cm.unprotect(peer(0), "relay"), "still protected by dht");
        assertFalse(cm.unprotect(peer(0), "dht"));
        assertFalse(cm.isProtected(peer(0), null));
    }

    @Test
    void trimsAtMostOncePerSilencePeriod() {
        ConnectionManager cm = manager(2, 3, Duration.ZERO, Duration.ofSeconds(10));
        for (int i = 0; i < 4; i++) {
            connect(cm, i);
        }
        assertEquals(2, cm.connectionCount(), "the first trim happens at once");
        connect(cm, 4);
        connect(cm, 5);
        assertEquals(4, cm.connectionCount(), "no second trim within the silence period");
        assertEquals(0, cm.trimOpenConnections());
        advance(Duration.ofSeconds(10));
        assertEquals(2, cm.trimOpenConnections());
        assertEquals(2, cm.connectionCount());
    }

    @Test
    void aManualTrimBelowTheLowWatermarkDoesNothing() {
        ConnectionManager cm = manager(2, 3, Duration.ZERO, Duration.ZERO);
        connect(cm, 0);
        connect(cm, 1);
        assertEquals(0, cm.trimOpenConnections());
        assertTrue(closedPeers.isEmpty());
    }

    @Test
    void tagsAndUpserts() {
        ConnectionManager cm = manager(2, 3, Duration.ZERO, Duration.ZERO);
        connect(cm, 0);
        cm.tagPeer(peer(0), "a", 5);
        cm.upsertTag(peer(0), "a", v -> v + 2);
        cm.tagPeer(peer(0), "b", 1);
        TagInfo info = cm.tagInfo(peer(0)).orElseThrow();
        assertEquals(8, info.value());
        assertEquals(1, info.connections());
        cm.untagPeer(peer(0), "b");
        assertEquals(7, cm.tagInfo(peer(0)).orElseThrow().value());
        assertTrue(cm.tagInfo(peer(1)).isEmpty());
    }

    @Test
    void decayingTagsDecayPerTickAndCountInTheValue() {
        ConnectionManager cm = manager(1, 2, Duration.ZERO, Duration.ZERO);
        connect(cm, 0);
        DecayingTag fixed = cm.registerDecayingTag("fixed", Duration.ofSeconds(1), DecayFunction.fixed(3),
                BumpFunction.sumUnbounded());
        DecayingTag bounded = cm.registerDecayingTag("bounded", Duration.ofSeconds(1), DecayFunction.none(),
                BumpFunction.sumBounded(0, 10));
        assertThrows(IllegalArgumentException.class, () -> cm.registerDecayingTag("fixed", Duration.ofSeconds(1),
                DecayFunction.none(), BumpFunction.overwrite()));
        fixed.bump(peer(0), 10);
        bounded.bump(peer(0), 7);
        bounded.bump(peer(0), 7);
        assertEquals(20, cm.tagInfo(peer(0)).orElseThrow().value());
        advance(Duration.ofMillis(2500)); // two ticks: 10 → 7 → 4
        assertEquals(4, cm.tagInfo(peer(0)).orElseThrow().tags().get("fixed"));
        advance(Duration.ofSeconds(2)); // 4 → 1 → removed
        TagInfo info = cm.tagInfo(peer(0)).orElseThrow();
        assertFalse(info.tags().containsKey("fixed"));
        assertEquals(10, info.value());
        bounded.close();
        bounded.bump(peer(0), 3); // ignored after close
        assertEquals(0, cm.tagInfo(peer(0)).orElseThrow().value());
    }

    @Test
    void linearAndExpiringDecay() {
        ConnectionManager cm = manager(1, 2, Duration.ZERO, Duration.ZERO);
        connect(cm, 0);
        DecayingTag linear = cm.registerDecayingTag("linear", Duration.ofSeconds(1), DecayFunction.linear(0.5),
                BumpFunction.overwrite());
        DecayingTag expiring = cm.registerDecayingTag("expiring", Duration.ofSeconds(1),
                DecayFunction.expireWhenInactive(Duration.ofSeconds(3)), BumpFunction.sumUnbounded());
        linear.bump(peer(0), 100);
        expiring.bump(peer(0), 1);
        advance(Duration.ofSeconds(2));
        expiring.bump(peer(0), 1);
        assertEquals(25, cm.tagInfo(peer(0)).orElseThrow().tags().get("linear"));
        assertEquals(2, cm.tagInfo(peer(0)).orElseThrow().tags().get("expiring"));
        advance(Duration.ofSeconds(3));
        assertFalse(cm.tagInfo(peer(0)).orElseThrow().tags().containsKey("expiring"));
        linear.remove(peer(0));
        assertFalse(cm.tagInfo(peer(0)).orElseThrow().tags().containsKey("linear"));
    }

    @Test
    void decayedValuesDecideTrimming() {
        ConnectionManager cm = manager(1, 2, Duration.ZERO, Duration.ZERO);
        DecayingTag tag = cm.registerDecayingTag("recent", Duration.ofSeconds(1), DecayFunction.fixed(10),
                BumpFunction.sumUnbounded());
        connect(cm, 0);
        connect(cm, 1);
        tag.bump(peer(0), 100);
        cm.tagPeer(peer(1), "static", 50);
        advance(Duration.ofSeconds(6)); // peer 0: 100 → 40, below peer 1's 50
        connect(cm, 2);
        cm.tagPeer(peer(2), "static", 60);
        // peer 2's tag came after the automatic trim ran at connect; peer 2 had value 0 then.
        assertEquals(Set.of(peer(2), peer(0)), closedPeers);
    }

    @Test
    void warnsWhenTheHighWatermarkExceedsTheConnectionLimits() {
        ConnectionManager cm = manager(100, 200, Duration.ZERO, Duration.ZERO);
        ResourceManagerConfig tight = ResourceManagerConfig.builder()
                .system(ResourceLimits.unlimited().with(Resource.CONNECTIONS, 150)
                        .with(Resource.INBOUND_CONNECTIONS, 100)).build();
        String msg = cm.checkAgainst(tight).orElseThrow();
        assertTrue(msg.contains("high watermark 200 exceeds the system limit of 150 connections and the system limit"
                + " of 100 inbound connections"), msg);
        assertTrue(cm.checkAgainst(ResourceManagerConfig.unlimited()).isEmpty());
        assertTrue(cm.warnIfInconsistent(tight).isPresent());
        // a manager that never trims (Kubo's Swarm.ConnMgr.Type none) leaves the bound to the limits, as meant
        assertFalse(ConnectionManagerConfig.none().trims());
        assertTrue(new ConnectionManager(ConnectionManagerConfig.none()).checkAgainst(tight).isEmpty());
    }

    @Test
    void aWatermarkConflictIsReportedOnce() {
        ConnectionManager cm = manager(100, 200, Duration.ZERO, Duration.ZERO);
        ResourceManagerConfig tight = ResourceManagerConfig.builder()
                .system(ResourceLimits.unlimited().with(Resource.INBOUND_CONNECTIONS, 100)).build();
        List<String> reports = new java.util.ArrayList<>();
        assertTrue(cm.warnIfInconsistent(ResourceManagerConfig.unlimited(), reports::add).isEmpty());
        assertTrue(cm.warnIfInconsistent(tight, reports::add).isPresent());
        // The host builder checks again at build: the conflict is still returned, but not reported twice.
        assertTrue(cm.warnIfInconsistent(tight, reports::add).isPresent());
        assertTrue(cm.warnIfInconsistent(tight).isPresent());
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).contains("high watermark 200 exceeds the system limit of 100 inbound"), reports.get(0));
    }

    @Test
    void defaultWatermarksFitTheLimits() {
        ResourceManagerConfig small = ResourceManagerConfig.scaled(128L << 20, 1024); // 64 inbound connections
        ConnectionManagerConfig fit = ConnectionManagerConfig.fitting(small);
        assertEquals(57, fit.highWater());
        assertEquals(47, fit.lowWater());
        assertTrue(new ConnectionManager(fit).checkAgainst(small).isEmpty());
        assertEquals(ConnectionManagerConfig.defaults(), ConnectionManagerConfig.fitting(ResourceManagerConfig.unlimited()));
        assertEquals(ConnectionManagerConfig.defaults(),
                ConnectionManagerConfig.fitting(ResourceManagerConfig.scaled(4L << 30, 65536)));
    }

    /**
     * Issue 16: a burst of inbound connections within the grace period. The trim the ninth
     * connection starts finds the newcomers in their grace period; once it is over the manager
     * must trim by itself (on its timer), without waiting for another connection to arrive.
     */
    @Test
    void aBurstInsideTheGracePeriodIsTrimmedOnceTheGraceIsOver() {
        ManualScheduler scheduler = new ManualScheduler();
        ConnectionManager cm = new ConnectionManager(ConnectionManagerConfig.of(4, 8, Duration.ofSeconds(1)),
                scheduler.clock(), scheduler);
        for (int i = 0; i < 12; i++) { // 12 connections in 2 s
            connect(cm, i);
            scheduler.advance(Duration.ofMillis(2000 / 12));
        }
        assertTrue(cm.connectionCount() > 8, "the grace period protects most of the burst: " + cm.connectionCount());
        scheduler.advance(Duration.ofSeconds(40));
        assertTrue(cm.connectionCount() <= 4, "still " + cm.connectionCount() + " connections 40 s after the burst");
        assertEquals(12 - cm.connectionCount(), closedPeers.size());
        cm.close();
    }

    @Test
    void aTrimHeldBackByTheSilencePeriodRunsWhenItEnds() {
        ManualScheduler scheduler = new ManualScheduler();
        ConnectionManager cm = new ConnectionManager(
                new ConnectionManagerConfig(2, 4, Duration.ZERO, Duration.ofSeconds(10)), scheduler.clock(), scheduler);
        scheduler.advance(Duration.ofSeconds(3));
        for (int i = 0; i < 5; i++) {
            connect(cm, i);
        }
        scheduler.runDue();
        assertEquals(2, cm.connectionCount(), "the first trim runs at once");
        scheduler.advance(Duration.ofSeconds(1));
        for (int i = 5; i < 8; i++) {
            connect(cm, i); // over the high watermark again, within the silence period
        }
        scheduler.advance(Duration.ofMillis(8_900)); // the periodic check at 10 s is still within it
        assertEquals(5, cm.connectionCount());
        scheduler.advance(Duration.ofMillis(100)); // 10 s after the first trim
        assertEquals(2, cm.connectionCount());
    }

    @Test
    void closingStopsTheTimer() {
        ManualScheduler scheduler = new ManualScheduler();
        ConnectionManager cm = new ConnectionManager(ConnectionManagerConfig.of(1, 2, Duration.ofSeconds(5)),
                scheduler.clock(), scheduler);
        for (int i = 0; i < 3; i++) {
            connect(cm, i);
        }
        scheduler.runDue();
        assertEquals(3, cm.connectionCount());
        cm.close();
        assertEquals(0, scheduler.pending());
        scheduler.advance(Duration.ofMinutes(1));
        assertTrue(closedPeers.isEmpty());
    }

    @Test
    void configRejectsInvertedWatermarks() {
        assertThrows(IllegalArgumentException.class, () -> ConnectionManagerConfig.of(10, 5, Duration.ZERO));
        assertEquals(160, ConnectionManagerConfig.defaults().lowWater());
    }
}
