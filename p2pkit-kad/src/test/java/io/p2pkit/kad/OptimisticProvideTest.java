package io.p2pkit.kad;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.query.NetworkSizeEstimator;
import io.p2pkit.kad.sim.DhtSwarm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Optimistic provide only runs on a usable network-size estimate: with too few lookups or old ones
 * it falls back to the classic provide, or refreshes first when configured to, and says which.
 */
class OptimisticProvideTest {
    private static final int K = 8;
    private static DhtSwarm swarm;

    @BeforeAll
    static void grow() throws Exception {
        swarm = new DhtSwarm(new MemoryNetwork(), 77, b -> b.k(K).alpha(3));
        swarm.grow(30, 6);
    }

    @AfterAll
    static void close() {
        swarm.close();
    }

    private static DhtSwarm.Node joiner(Clock clock, OptimisticFallback fallback) throws Exception {
        List<PeerInfo> boot = swarm.nodes().subList(0, 3).stream().map(DhtSwarm.Node::info).toList();
        return swarm.start(boot, b -> b.clock(clock).optimisticFallback(fallback));
    }

    private static byte[] key(String s) {
        return Multihash.digest(Multicodec.SHA2_256, s.getBytes(StandardCharsets.UTF_8)).bytes();
    }

    /**
     * Bootstraps {@code n} until its network-size estimator holds the lookups it needs. A
     * bootstrap's refresh makes one lookup per bucket, and only a lookup that ended with its k
     * closest counts; on a busy machine one may not, and a joiner of this small network has few
     * buckets, so refreshes follow until {@link NetworkSizeEstimator#MIN_SAMPLES} are in.
     */
    private static void measureNetwork(DhtSwarm.Node n) throws Exception {
        n.dht().bootstrap();
        for (int i = 0; i < 5 && n.dht().networkSize().lookups() < NetworkSizeEstimator.MIN_SAMPLES; i++) {
            n.dht().refresh();
        }
        assertTrue(n.dht().networkSize().lookups() >= NetworkSizeEstimator.MIN_SAMPLES, n.dht().networkSize().toString());
    }

    private static void assertFoundBy(DhtSwarm.Node finder, byte[] mh, DhtSwarm.Node provider) throws Exception {
        List<PeerInfo> found = new CopyOnWriteArrayList<>();
        finder.dht().findProviders(mh, 1, found::add);
        assertEquals(List.of(provider.host().peerId()), found.stream().map(PeerInfo::peerId).toList());
    }

    @Test
    void withoutLookupsProvideFallsBackToClassic() throws Exception {
        DhtSwarm.Node n = joiner(Clock.systemUTC(), OptimisticFallback.CLASSIC);
        n.dht().connectBootstrapPeers();
        assertEquals(NetworkSizeEstimator.Status.TOO_FEW_LOOKUPS, n.dht().networkSize().status());
        byte[] mh = key("no estimate yet");
        ProvideResult r = n.dht().provideOptimistically(mh);
        assertEquals(ProvideStrategy.CLASSIC_FALLBACK, r.strategy());
        assertEquals(NetworkSizeEstimator.Status.TOO_FEW_LOOKUPS, r.estimate().status());
        assertEquals(K, r.peers(), r.toString());
        assertEquals(K, r.lookup().closest().size());
        assertFoundBy(swarm.nodes().get(20), mh, n);
    }

    @Test
    void anOutdatedEstimateIsNotUsed() throws Exception {
        ShiftableClock clock = new ShiftableClock(Clock.systemUTC());
        DhtSwarm.Node n = joiner(clock, OptimisticFallback.CLASSIC);
        measureNetwork(n);
        // Refreshes stopped for longer than the maximum age (three refresh intervals by default).
        clock.advance(KadConfig.defaults().networkSizeMaxAge().plusSeconds(1));
        byte[] mh = key("outdated estimate");
        ProvideResult r = n.dht().provideOptimistically(mh);
        assertEquals(ProvideStrategy.CLASSIC_FALLBACK, r.strategy());
        assertEquals(NetworkSizeEstimator.Status.OUTDATED, r.estimate().status());
        assertEquals(K, r.peers(), r.toString());
        assertFoundBy(swarm.nodes().get(21), mh, n);
    }

    @Test
    void theRefreshFallbackRenewsTheEstimateFirst() throws Exception {
        ShiftableClock clock = new ShiftableClock(Clock.systemUTC());
        DhtSwarm.Node n = joiner(clock, OptimisticFallback.REFRESH);
        measureNetwork(n);
        clock.advance(Duration.ofHours(1));
        assertEquals(NetworkSizeEstimator.Status.OUTDATED, n.dht().networkSize().status());
        byte[] mh = key("refreshed estimate");
        ProvideResult r = n.dht().provideOptimistically(mh);
        assertEquals(ProvideStrategy.OPTIMISTIC_AFTER_REFRESH, r.strategy());
        assertTrue(r.estimate().usable(), r.estimate().toString());
        assertTrue(r.peers() >= 1 && r.peers() <= K, r.toString());
        assertFoundBy(swarm.nodes().get(22), mh, n);
    }

    @Test
    void classicProvideSaysSo() throws Exception {
        DhtSwarm.Node n = swarm.nodes().get(9);
        ProvideResult r = n.dht().provide(key("classic"));
        assertEquals(ProvideStrategy.CLASSIC, r.strategy());
        assertEquals(K, r.peers());
    }

    @Test
    void aFreshEstimateIsUsedAndTheCallWaitsForAStore() throws Exception {
        DhtSwarm.Node n = swarm.nodes().get(13);
        n.dht().refresh();
        byte[] mh = key("fresh estimate");
        ProvideResult r = n.dht().provideOptimistically(mh);
        assertEquals(ProvideStrategy.OPTIMISTIC, r.strategy());
        assertTrue(r.peers() >= 1, "returned before any store: " + r);
        assertTrue(n.dht().backgroundSends() <= KadConfig.defaults().optimisticBackgroundSends());
        assertFoundBy(swarm.nodes().get(24), mh, n);
    }
}
