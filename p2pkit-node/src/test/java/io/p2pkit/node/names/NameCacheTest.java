package io.p2pkit.node.names;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The name cache's time, bound and cap, on a clock the test moves. */
@Timeout(10)
class NameCacheTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T00:00:00Z"));

    private NameCache cache(int size, Optional<Duration> maxTtl) {
        return new NameCache(new NodeConfig.IpnsCache(size, maxTtl), clock);
    }

    @Test
    void aValueLastsItsTtlAndAHitSaysHowLongIsLeft() {
        NameCache c = cache(8, Optional.empty());
        c.put("k", "/ipfs/a", Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(4));
        assertEquals(Optional.of(new NameCache.Hit("/ipfs/a", Duration.ofMinutes(6))), c.get("k"));
        clock.advance(Duration.ofMinutes(6));
        assertEquals(Optional.empty(), c.get("k"));
        assertEquals(0, c.size(), "an expired entry read is gone");
    }

    @Test
    void theCapShortensTheStayButAHitKeepsTheRecordsTtlUntilItIsLess() {
        NameCache c = cache(8, Optional.of(Duration.ofMinutes(1)));
        c.put("k", "/ipfs/a", Duration.ofHours(1));
        assertEquals(Duration.ofMinutes(1), c.get("k").orElseThrow().ttl());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(Optional.empty(), c.get("k"));
        assertEquals(Duration.ofMinutes(1), c.reported(Duration.ofHours(1)));
        assertEquals(Duration.ofSeconds(30), c.reported(Duration.ofSeconds(30)));
    }

    @Test
    void aZeroCapOrSizeOrTtlKeepsNothingAndAZeroCapLeavesReportedTtlsAlone() {
        NameCache off = cache(8, Optional.of(Duration.ZERO));
        off.put("k", "/ipfs/a", Duration.ofHours(1));
        assertEquals(Optional.empty(), off.get("k"));
        assertEquals(Duration.ofHours(1), off.reported(Duration.ofHours(1)), "as Kubo: a zero cap only turns caching off");
        NameCache none = cache(0, Optional.empty());
        none.put("k", "/ipfs/a", Duration.ofHours(1));
        assertEquals(Optional.empty(), none.get("k"));
        NameCache c = cache(8, Optional.empty());
        c.put("k", "/ipfs/a", Duration.ZERO);
        assertEquals(0, c.size());
    }

    /** Kubo's IPFS_NS_MAP: fixed names come first, with a TTL of zero, and stay when nothing else is kept. */
    @Test
    void fixedNamesAreAnsweredFirstAndNeverLeave() throws Exception {
        String base58 = "12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5";
        java.util.Map<String, String> fixed = NameCache.fixedNames(" a.example.com:/ipfs/bafkqaaa , " + base58
                + ":/ipns/a.example.com/x");
        assertEquals(java.util.Map.of("a.example.com", "/ipfs/bafkqaaa",
                NameCache.key(io.p2pkit.core.identity.PeerId.parse(base58)), "/ipns/a.example.com/x"), fixed,
                "a key in any form is keyed as the cache keys it");
        NameCache cache = new NameCache(new NodeConfig.IpnsCache(1, Optional.empty()), fixed);
        NameCache.Lookup never = () -> {
            throw new AssertionError("a fixed name is not looked up");
        };
        assertEquals(new NameCache.Hit("/ipfs/bafkqaaa", Duration.ZERO), cache.getOrLookUp("a.example.com", never));
        assertEquals(new NameCache.Hit("/ipfs/bafkqaaa", Duration.ZERO), cache.uncached().getOrLookUp("a.example.com", never));
        assertTrue(cache.fixes("/ipns/" + base58 + "/sub"));
        assertTrue(cache.fixes("A.example.com"));
        assertTrue(!cache.fixes("b.example.com") && !NameCache.NONE.fixes("a.example.com"));
        assertEquals(java.util.Map.of(), NameCache.fixedNames(null));
        assertEquals(java.util.Map.of(), NameCache.fixedNames(" "));
        for (String bad : List.of("a.example.com", "a.example.com:bafkqaaa", ":/ipfs/bafkqaaa", "a:/ipfs/")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NameCache.fixedNames(bad), bad);
            assertTrue(e.getMessage().startsWith("IPFS_NS_MAP: '"), e.getMessage());
        }
    }

    @Test
    void theLeastRecentlyUsedNameLeavesFirst() {
        NameCache c = cache(2, Optional.empty());
        c.put("a", "/ipfs/a", Duration.ofHours(1));
        c.put("b", "/ipfs/b", Duration.ofHours(1));
        assertTrue(c.get("a").isPresent());
        c.put("c", "/ipfs/c", Duration.ofHours(1));
        assertEquals(2, c.size());
        assertTrue(c.get("a").isPresent());
        assertEquals(Optional.empty(), c.get("b"));
        c.invalidate("a");
        assertEquals(Optional.empty(), c.get("a"));
    }

    @Test
    void aRecordsTtlIsItsOwnNoLongerThanItStaysValid() {
        NameCache c = cache(8, Optional.empty());
        PrivateKey key = PrivateKey.generateEd25519();
        Instant now = clock.instant();
        IpnsRecord hour = IpnsRecord.decode(IpnsRecordSigner.sign(key, "/ipfs/bafkqaaa", 0, now.plus(Duration.ofDays(1)),
                Duration.ofHours(1)));
        assertEquals(Duration.ofHours(1), c.ttlOf(hour));
        IpnsRecord ending = IpnsRecord.decode(IpnsRecordSigner.sign(key, "/ipfs/bafkqaaa", 0, now.plus(Duration.ofMinutes(5)),
                Duration.ofHours(1)));
        assertEquals(Duration.ofMinutes(5), c.ttlOf(ending));
        clock.advance(Duration.ofMinutes(6));
        assertEquals(Duration.ZERO, c.ttlOf(ending), "a lapsed record is not kept");
        IpnsRecord zero = IpnsRecord.decode(IpnsRecordSigner.sign(key, "/ipfs/bafkqaaa", 0, now.plus(Duration.ofDays(1)),
                Duration.ZERO));
        assertEquals(Duration.ZERO, c.ttlOf(zero));
    }
}
