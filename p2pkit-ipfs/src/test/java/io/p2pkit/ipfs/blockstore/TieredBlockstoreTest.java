package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.DirectBuffers;
import io.p2pkit.ipfs.block.BlockMismatchException;
import io.p2pkit.ipfs.testing.ManualClock;
import io.p2pkit.ipfs.testing.TestDag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TieredBlockstoreTest {
    private static final Duration HALF_LIFE = Duration.ofMinutes(10);
    private static final TierPolicy POLICY = TierPolicy.defaults().withHalfLife(HALF_LIFE)
            .withIntervals(Duration.ofHours(1), Duration.ofHours(1));

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final SplittableRandom random = new SplittableRandom(11);

    private FlatfsBlockstore disk() throws IOException {
        return FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(false));
    }

    private TieredBlockstore.Builder builder() throws IOException {
        return TieredBlockstore.builder(disk()).clock(clock).policy(POLICY);
    }

    @Test
    void aBlockReadTwiceFromDiskIsPromotedToMemory() throws IOException {
        Block b = TestDag.leaf(random, 100);
        try (TieredBlockstore s = builder().build()) {
            s.put(b);
            Multihash key = b.cid().multihash();
            assertFalse(s.inMemory(key), "a put does not warm a block");
            assertEquals(0, s.heatOf(key));
            s.get(b.cid());
            assertFalse(s.inMemory(key), "heat 1 is below promoteAt 2");
            s.get(b.cid());
            assertTrue(s.inMemory(key));
            s.get(b.cid());
            TierStats st = s.stats();
            assertEquals(2, st.diskHits());
            assertEquals(1, st.memoryHits());
            assertEquals(1, st.promotions());
        }
    }

    @Test
    void aReadIntoABufferWarmsAndCountsButLeavesMemoryToGetAndFetchesWhatIsNotLocal() throws IOException {
        Block b = TestDag.leaf(random, 100_000);
        Block remoteOnly = TestDag.leaf(random, 100);
        DirectBuffers pool = new DirectBuffers();
        FakeNetwork net = new FakeNetwork().offer(remoteOnly);
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false)).build()) {
            s.put(b);
            Multihash key = b.cid().multihash();
            for (int i = 0; i < 3; i++) {
                ByteBuffer buf = s.read(b.cid(), pool).orElseThrow();
                assertTrue(buf.isDirect());
                assertArrayEquals(b.data(), bytes(buf));
                pool.release(buf);
                assertFalse(s.inMemory(key), "a streamed block is not copied into memory");
            }
            assertEquals(3, s.heatOf(key), 0.01);
            assertEquals(3, s.stats().diskHits());
            s.get(b.cid());
            assertTrue(s.inMemory(key), "a get of a block that hot promotes it");
            ByteBuffer fromMemory = s.read(b.cid(), pool).orElseThrow();
            assertArrayEquals(b.data(), bytes(fromMemory));
            pool.release(fromMemory);
            TierStats st = s.stats();
            assertEquals(4, st.diskHits());
            assertEquals(1, st.memoryHits());
            assertEquals(1, st.promotions());
            ByteBuffer fetched = s.read(remoteOnly.cid(), pool).orElseThrow();
            assertArrayEquals(remoteOnly.data(), bytes(fetched));
            pool.release(fetched);
            assertEquals(1, s.stats().remoteHits());
            assertTrue(s.local().read(TestDag.leaf(random, 10).cid(), pool).isEmpty());
            assertArrayEquals(b.data(), bytes(s.local().read(b.cid(), pool).orElseThrow()));
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(b.position(), out);
        return out;
    }

    @Test
    void readsFarApartDoNotPromote() throws IOException {
        Block b = TestDag.leaf(random, 100);
        try (TieredBlockstore s = builder().build()) {
            s.put(b);
            s.get(b.cid());
            clock.advance(HALF_LIFE.multipliedBy(4)); // 1 decays to 1/16
            s.get(b.cid());
            assertFalse(s.inMemory(b.cid().multihash()));
            assertEquals(1.0625, s.heatOf(b.cid().multihash()), 1e-9);
        }
    }

    @Test
    void coldBlocksLeaveMemoryAtMaintenance() throws IOException {
        Block hot = TestDag.leaf(random, 100);
        Block cold = TestDag.leaf(random, 100);
        try (TieredBlockstore s = builder().build()) {
            s.put(hot);
            s.put(cold);
            s.get(cold.cid());
            s.get(cold.cid());
            assertTrue(s.inMemory(cold.cid().multihash()));
            clock.advance(HALF_LIFE.multipliedBy(2)); // cold: 2 -> 0.5
            for (int i = 0; i < 3; i++) {
                s.get(hot.cid());
            }
            clock.advance(Duration.ofMinutes(1)); // cold just under 0.5
            s.maintain();
            assertFalse(s.inMemory(cold.cid().multihash()));
            assertTrue(s.inMemory(hot.cid().multihash()));
            assertTrue(s.has(cold.cid().multihash()), "demotion leaves the disk copy");
            assertEquals(1, s.stats().demotions());
        }
    }

    @Test
    void readsRunMaintenanceWhenItIsDue() throws IOException {
        Block b = TestDag.leaf(random, 100);
        TierPolicy policy = POLICY.withIntervals(Duration.ofMinutes(5), Duration.ofHours(1));
        try (TieredBlockstore s = builder().policy(policy).build()) {
            s.put(b);
            s.get(b.cid());
            s.get(b.cid());
            assertTrue(s.inMemory(b.cid().multihash()));
            clock.advance(HALF_LIFE.multipliedBy(3)); // 2 -> 0.25
            Block other = TestDag.leaf(random, 10);
            s.put(other);
            s.get(other.cid()); // due: maintenance runs first
            assertFalse(s.inMemory(b.cid().multihash()));
        }
    }

    @Test
    void aBlockFromTheNetworkStaysInMemoryUntilItIsHot() throws IOException {
        Block b = TestDag.leaf(random, 100);
        FakeNetwork net = new FakeNetwork().offer(b);
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false)).build()) {
            Multihash key = b.cid().multihash();
            assertArrayEquals(b.data(), s.get(b.cid()).orElseThrow().data());
            assertTrue(s.inMemory(key));
            assertFalse(s.disk().has(key), "neither pinned nor hot: memory only");
            assertEquals(1, s.count(), "an unsaved block is still content");
            try (Stream<Multihash> keys = s.keys()) {
                assertEquals(List.of(key), keys.toList());
            }
            s.get(b.cid()); // heat 2: written down
            assertTrue(s.disk().has(key));
            assertEquals(1, net.asked.get());
            assertEquals(1, s.count());
            assertEquals(1, s.stats().writeDowns());
            assertEquals(0, s.stats().unsavedBlocks());
        }
    }

    @Test
    void aPinnedBlockFromTheNetworkIsWrittenDownAtOnce() throws IOException {
        Block b = TestDag.leaf(random, 100);
        FakeNetwork net = new FakeNetwork().offer(b);
        Set<Multihash> pins = Set.of(b.cid().multihash());
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false))
                .pinned(pins::contains).build()) {
            s.get(b.cid());
            assertTrue(s.disk().has(b.cid().multihash()));
        }
    }

    @Test
    void anUnsavedBlockPinnedLaterIsWrittenDownAtMaintenance() throws IOException {
        Block b = TestDag.leaf(random, 100);
        FakeNetwork net = new FakeNetwork().offer(b);
        Set<Multihash> pins = new HashSet<>();
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false))
                .pinned(pins::contains).build()) {
            s.get(b.cid());
            assertFalse(s.disk().has(b.cid().multihash()));
            pins.add(b.cid().multihash());
            clock.advance(HALF_LIFE.multipliedBy(5)); // cold too: written down, then dropped from memory
            s.maintain();
            assertTrue(s.disk().has(b.cid().multihash()));
            assertFalse(s.inMemory(b.cid().multihash()));
        }
    }

    @Test
    void aColdUnpinnedBlockFromTheNetworkIsForgotten() throws IOException {
        Block b = TestDag.leaf(random, 100);
        FakeNetwork net = new FakeNetwork().offer(b);
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false)).build()) {
            s.get(b.cid());
            clock.advance(HALF_LIFE.multipliedBy(2));
            s.maintain();
            assertFalse(s.has(b.cid().multihash()));
            assertEquals(0, s.count());
            s.get(b.cid());
            assertEquals(2, net.asked.get(), "fetched again");
        }
    }

    @Test
    void theDiskQuotaKeepsHotUnpinnedBlocksFromTheNetworkInMemory() throws IOException {
        Block b = TestDag.leaf(random, 100);
        FakeNetwork net = new FakeNetwork().offer(b);
        try (TieredBlockstore s = builder().policy(POLICY.withDiskQuota(150))
                .remote(new RemoteTier(net, Duration.ofSeconds(5), false)).build()) {
            s.put(TestDag.leaf(random, 100)); // 100 of 150 bytes used
            s.get(b.cid());
            s.get(b.cid());
            s.get(b.cid());
            assertFalse(s.disk().has(b.cid().multihash()));
            assertTrue(s.inMemory(b.cid().multihash()));
        }
    }

    @Test
    void bytesFromTheNetworkThatDoNotMatchAreRefused() throws IOException {
        Block b = TestDag.leaf(random, 100);
        FakeNetwork net = new FakeNetwork().lie(b.cid(), new byte[100]);
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false)).build()) {
            assertThrows(BlockMismatchException.class, () -> s.get(b.cid()));
            assertFalse(s.has(b.cid().multihash()));
        }
    }

    @Test
    void aBigBlockFromTheNetworkIsRefused() throws IOException {
        Block big = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[Block.MAX_SIZE + 1]);
        FakeNetwork net = new FakeNetwork().offer(big);
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false)).build()) {
            assertThrows(BlockTooLargeException.class, () -> s.get(big.cid()));
        }
    }

    @Test
    void anInterruptedFetchIsAnInterruptedIoException() {
        RemoteTier remote = new RemoteTier((cid, timeout) -> {
            throw new InterruptedException();
        }, Duration.ofSeconds(1), false);
        Block b = TestDag.leaf(random, 10);
        assertThrows(InterruptedIOException.class, () -> remote.get(b.cid()));
        assertTrue(Thread.interrupted(), "the interrupt flag is kept");
    }

    @Test
    void theLocalViewNeitherFetchesNorWarms() throws IOException {
        Block remoteOnly = TestDag.leaf(random, 100);
        Block local = TestDag.leaf(random, 100);
        FakeNetwork net = new FakeNetwork().offer(remoteOnly);
        try (TieredBlockstore s = builder().remote(new RemoteTier(net, Duration.ofSeconds(5), false)).build()) {
            s.put(local);
            assertTrue(s.local().get(remoteOnly.cid()).isEmpty());
            assertEquals(0, net.asked.get());
            assertTrue(s.local().get(local.cid()).isPresent());
            s.local().get(local.cid());
            assertEquals(0, s.heatOf(local.cid().multihash()));
            assertFalse(s.inMemory(local.cid().multihash()));
        }
    }

    @Test
    void identityCidsAreAnsweredFromTheCid() throws IOException {
        Cid id = Cid.v1(Multicodec.RAW, Multihash.identity("hello".getBytes()));
        try (TieredBlockstore s = builder().build()) {
            assertArrayEquals("hello".getBytes(), s.get(id).orElseThrow().data());
            assertTrue(s.has(id.multihash()));
            s.put(Block.of(id, "hello".getBytes()));
            assertEquals(0, s.count(), "never stored");
            assertEquals(5, s.sizeOf(id.multihash()).orElseThrow());
        }
    }

    @Test
    void deleteRemovesFromEveryTierAndForgetsHeat() throws IOException {
        Block b = TestDag.leaf(random, 100);
        try (TieredBlockstore s = builder().build()) {
            s.put(b);
            s.get(b.cid());
            s.get(b.cid());
            assertTrue(s.delete(b.cid().multihash()));
            assertFalse(s.inMemory(b.cid().multihash()));
            assertFalse(s.disk().has(b.cid().multihash()));
            assertEquals(0, s.heatOf(b.cid().multihash()));
            assertTrue(s.get(b.cid()).isEmpty());
            assertEquals(1, s.stats().misses());
        }
    }

    @Test
    void heatIsSavedAtCloseAndLoadedAtOpen() throws IOException {
        Block b = TestDag.leaf(random, 100);
        AtomicReference<HeatSnapshot> saved = new AtomicReference<>(HeatSnapshot.empty());
        HeatStore store = new HeatStore() {
            @Override
            public HeatSnapshot loadHeat() {
                return saved.get();
            }

            @Override
            public void saveHeat(HeatSnapshot snapshot) {
                saved.set(snapshot);
            }
        };
        try (TieredBlockstore s = builder().heatStore(store).build()) {
            s.put(b);
            s.get(b.cid());
            s.get(b.cid());
            s.get(b.cid());
        }
        assertEquals(3.0, saved.get().heat().get(b.cid().multihash()), 1e-9);
        clock.advance(HALF_LIFE);
        try (TieredBlockstore s = builder().heatStore(store).build()) {
            assertEquals(1.5, s.heatOf(b.cid().multihash()), 1e-9);
            s.get(b.cid()); // 2.5: promoted on the first read after the restart
            assertTrue(s.inMemory(b.cid().multihash()));
        }
    }

    /** A store whose blocks are not read never parses the saved heat, and heat nothing changed is not written again. */
    @Test
    void heatIsLoadedOnFirstUseAndSavedOnlyWhenChanged() throws IOException {
        Block b = TestDag.leaf(random, 100);
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        List<HeatSnapshot> saves = new java.util.concurrent.CopyOnWriteArrayList<>();
        HeatSnapshot first = new HeatSnapshot(clock.instant(), Map.of(b.cid().multihash(), 4.0));
        HeatStore store = new HeatStore() {
            @Override
            public HeatSnapshot loadHeat() {
                loads.incrementAndGet();
                return saves.isEmpty() ? first : saves.getLast();
            }

            @Override
            public void saveHeat(HeatSnapshot snapshot) {
                saves.add(snapshot);
            }
        };
        try (TieredBlockstore s = builder().heatStore(store).build()) {
            s.disk().put(b);
            assertTrue(s.has(b.cid().multihash()));
        }
        assertEquals(0, loads.get(), "nothing asked for heat");
        assertEquals(List.of(), saves);
        try (TieredBlockstore s = builder().heatStore(store).build()) {
            assertEquals(4.0, s.heatOf(b.cid().multihash()), 1e-9);
        }
        assertEquals(1, loads.get());
        assertEquals(List.of(), saves, "loaded but unchanged: the saved heat still holds");
        clock.advance(HALF_LIFE);
        try (TieredBlockstore s = builder().heatStore(store).build()) {
            s.get(b.cid()); // 4 halved, plus 1
        }
        assertEquals(1, saves.size());
        assertEquals(3.0, saves.getFirst().heat().get(b.cid().multihash()), 1e-9);
        clock.advance(HALF_LIFE);
        try (TieredBlockstore s = builder().heatStore(store).build()) {
            assertEquals(1.5, s.heatOf(b.cid().multihash()), 1e-9, "decayed from the last save's time");
        }
        assertEquals(1, saves.size());
    }

    @Test
    void aHeatStoreThatFailsToLoadLeavesBlocksCold() throws IOException {
        Block b = TestDag.leaf(random, 100);
        HeatStore broken = new HeatStore() {
            @Override
            public HeatSnapshot loadHeat() throws IOException {
                throw new IOException("damaged");
            }

            @Override
            public void saveHeat(HeatSnapshot snapshot) {
            }
        };
        try (TieredBlockstore s = builder().heatStore(broken).build()) {
            s.put(b);
            assertEquals(0, s.heatOf(b.cid().multihash()));
            assertTrue(s.get(b.cid()).isPresent());
            assertEquals(1, s.heatOf(b.cid().multihash()), 1e-9);
        }
    }

    @Test
    void memoryStaysWithinItsQuota() throws IOException {
        TierPolicy small = POLICY.withMemory(1000, 100).withThresholds(1, 0.5, 2);
        try (TieredBlockstore s = builder().policy(small).build()) {
            for (int i = 0; i < 30; i++) {
                Block b = TestDag.leaf(random, 100);
                s.put(b);
                s.get(b.cid());
            }
            TierStats st = s.stats();
            assertTrue(st.memoryBytes() <= 1000, st.toString());
            assertEquals(10, st.memoryBlocks());
            assertEquals(20, st.evictions());
            assertEquals(30, s.count());
            try (Stream<Multihash> keys = s.keys()) {
                assertEquals(30, keys.collect(Collectors.toSet()).size());
            }
        }
    }

    @Test
    void policiesWithThresholdsOutOfOrderAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TierPolicy.defaults().withThresholds(2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> TierPolicy.defaults().withThresholds(0.5, 0.1, 2));
        assertThrows(IllegalArgumentException.class, () -> TierPolicy.defaults().withMemory(0, 1));
        assertThrows(IllegalArgumentException.class, () -> TierPolicy.defaults().withHalfLife(Duration.ZERO));
    }
}
