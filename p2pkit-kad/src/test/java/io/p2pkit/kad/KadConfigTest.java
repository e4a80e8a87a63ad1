package io.p2pkit.kad;

import io.p2pkit.kad.provider.ProviderStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The defaults the spec and go-libp2p-kad-dht use, and that each is configurable in the one object. */
class KadConfigTest {
    @Test
    void defaultsFollowTheSpecAndGo() {
        KadConfig c = KadConfig.defaults();
        assertEquals("/ipfs/kad/1.0.0", c.protocolId());
        assertEquals(20, c.k());
        assertEquals(10, c.alpha());
        assertEquals(Duration.ofSeconds(10), c.queryTimeout());
        assertEquals(Duration.ofMinutes(10), c.refreshInterval());
        assertEquals(Duration.ofHours(48), c.providerLimits().expiry());
        assertEquals(ProviderStore.Limits.defaults(), c.providerLimits());
        assertEquals(Duration.ofHours(22), c.providerRepublish());
        assertEquals(Duration.ofMinutes(30), c.providerAddressTtl());
        assertEquals(Duration.ofHours(48), c.recordExpiry());
        assertEquals(Mode.SERVER, c.mode());
        assertFalse(c.optimisticProvide());
        assertEquals(OptimisticFallback.CLASSIC, c.optimisticFallback());
        assertEquals(60, c.optimisticBackgroundSends());
        // Three refresh intervals unless set.
        assertEquals(Duration.ofMinutes(30), c.networkSizeMaxAge());
        assertTrue(c.periodicTasks());
    }

    @Test
    void everyParameterIsSetThroughTheBuilder() {
        KadConfig c = KadConfig.builder().protocolPrefix("/ipfs/lan").k(16).alpha(3)
                .queryTimeout(Duration.ofSeconds(30)).refreshInterval(Duration.ofMinutes(5))
                .optimisticProvide(true).optimisticFallback(OptimisticFallback.REFRESH)
                .optimisticBackgroundSends(8).closeGrace(Duration.ofMillis(100)).build();
        assertEquals("/ipfs/lan/kad/1.0.0", c.protocolId());
        assertEquals(16, c.k());
        assertEquals(3, c.alpha());
        assertEquals(Duration.ofSeconds(30), c.queryTimeout());
        assertEquals(Duration.ofMinutes(15), c.networkSizeMaxAge(), "follows the refresh interval");
        assertTrue(c.optimisticProvide());
        assertEquals(OptimisticFallback.REFRESH, c.optimisticFallback());
        assertEquals(8, c.optimisticBackgroundSends());
        assertEquals(Duration.ofMillis(100), c.closeGrace());
        assertEquals(Duration.ofHours(1),
                KadConfig.builder().networkSizeMaxAge(Duration.ofHours(1)).build().networkSizeMaxAge());
        assertThrows(IllegalArgumentException.class, () -> KadConfig.builder().optimisticBackgroundSends(0));
        assertThrows(IllegalArgumentException.class, () -> KadConfig.builder().closeGrace(Duration.ZERO));
    }
}
