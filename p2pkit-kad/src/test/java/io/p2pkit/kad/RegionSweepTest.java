package io.p2pkit.kad;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.query.LookupResult;
import io.p2pkit.kad.routing.KadKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep against a key space whose every peer is known to the test: lookups answer the true k
 * closest, so each key's record must land on exactly its k closest, with a few lookups per region.
 */
@Timeout(120)
class RegionSweepTest {
    private static final int K = 20;

    /** A network of {@code n} peers whose lookups are exact (a lookup may be told to fail). */
    private static final class Space {
        final List<PeerId> peers = new ArrayList<>();
        final Map<PeerId, KadKey> points = new java.util.HashMap<>();
        final Map<PeerId, Set<ByteKey>> held = new ConcurrentHashMap<>();
        final AtomicInteger lookups = new AtomicInteger();
        volatile int failEvery;

        Space(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
                byte[] d = new byte[32];
                random.nextBytes(d);
                PeerId p = PeerId.fromMultihash(Multihash.of(Multicodec.SHA2_256, d));
                peers.add(p);
                points.put(p, KadKey.of(p));
            }
        }

        List<PeerId> closest(byte[] key) {
            KadKey point = KadKey.of(key);
            List<PeerId> all = new ArrayList<>(peers);
            all.sort((a, b) -> point.compareDistance(points.get(a), points.get(b)));
            return all.subList(0, Math.min(K, all.size()));
        }

        LookupResult lookup(byte[] key) {
            int n = lookups.incrementAndGet();
            List<PeerId> c = closest(key);
            if (failEvery > 0 && n % failEvery == 0) {
                // cut short: a few answers, and failures on the way
                return new LookupResult(c.subList(0, 3), 2, 10, 5, Duration.ofMillis(1), false, false);
            }
            return new LookupResult(c, 3, 30, 0, Duration.ofMillis(1), false, false);
        }

        void send(PeerId peer, byte[] mh) {
            held.computeIfAbsent(peer, p -> ConcurrentHashMap.newKeySet()).add(new ByteKey(mh));
        }

        Set<PeerId> holders(byte[] mh) {
            Set<PeerId> out = new HashSet<>();
            ByteKey wanted = new ByteKey(mh);
            held.forEach((p, keys) -> {
                if (keys.contains(wanted)) {
                    out.add(p);
                }
            });
            return out;
        }
    }

    private record ByteKey(String hex) {
        ByteKey(byte[] b) {
            this(java.util.HexFormat.of().formatHex(b));
        }
    }

    private static List<byte[]> keys(String tag, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Multihash.digest(Multicodec.SHA2_256, (tag + i).getBytes(StandardCharsets.UTF_8)).bytes());
        }
        return out;
    }

    private static SweepResult sweep(Space space, List<byte[]> keys, int workers, AtomicInteger alone)
            throws Exception {
        return RegionSweep.run(keys, workers, K, 8, 42, space::lookup, (p, mh) -> space.send(p, mh), mh -> {
            alone.incrementAndGet();
            List<PeerId> c = space.closest(mh);
            c.forEach(p -> space.send(p, mh));
            return c.size();
        });
    }

    @Test
    void everyRecordOnItsTrueKClosestInALargeSpace() throws Exception {
        Space space = new Space(2000, 1);
        List<byte[]> keys = keys("large ", 3000);
        AtomicInteger alone = new AtomicInteger();
        SweepResult r = sweep(space, keys, 4, alone);
        assertEquals(0, alone.get(), r.toString());
        assertEquals(0, r.unplaced());
        assertEquals(3000L * K, r.recordsSent());
        Set<PeerId> holders = new HashSet<>();
        for (byte[] key : keys) {
            assertEquals(new HashSet<>(space.closest(key)), space.holders(key));
            holders.addAll(space.holders(key));
        }
        // every holder counted as given records, once per region that sent it some (a region's prefix
        // may hold an earlier, longer one's), and all took them
        assertTrue(r.peers() >= holders.size() && r.peers() <= 2 * holders.size(), r.toString());
        assertEquals(r.peers(), r.reachable(), r.toString());
        // about 2000 / 20 to 2000 / 40 regions, a lookup or a few each: far fewer than 3000
        assertTrue(r.lookups() < 3000 / 5 && r.lookups() <= 3 * r.regions() + 4 * 4, r.toString());
    }

    @Test
    void aLookupCutShortSendsItsKeyAloneAndTheRestGoOn() throws Exception {
        Space space = new Space(400, 2);
        space.failEvery = 3;
        List<byte[]> keys = keys("flaky ", 500);
        AtomicInteger alone = new AtomicInteger();
        SweepResult r = sweep(space, keys, 1, alone);
        assertTrue(r.oneByOne() > 0, r.toString());
        assertEquals(r.oneByOne(), alone.get());
        assertEquals(0, r.unplaced());
        for (byte[] key : keys) {
            assertEquals(new HashSet<>(space.closest(key)), space.holders(key), "a flaky lookup puts nothing amiss");
        }
    }

    @Test
    void aSmallSpaceIsOneRegion() throws Exception {
        Space space = new Space(12, 3);
        List<byte[]> keys = keys("small ", 100);
        SweepResult r = sweep(space, keys, 1, new AtomicInteger());
        assertEquals(1, r.regions());
        assertEquals(1, r.lookups());
        for (byte[] key : keys) {
            assertEquals(new HashSet<>(space.peers), space.holders(key));
        }
    }

    @Test
    void noPeersAtAllLeavesEveryKeyUnplaced() throws Exception {
        Space space = new Space(0, 4);
        SweepResult r = sweep(space, keys("alone ", 10), 1, new AtomicInteger());
        assertEquals(10, r.unplaced());
        assertEquals(0, r.recordsSent());
    }
}
