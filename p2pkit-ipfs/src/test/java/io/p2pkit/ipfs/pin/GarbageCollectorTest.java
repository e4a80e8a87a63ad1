package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.TieredBlockstore;
import io.p2pkit.ipfs.testing.TestDag;
import io.p2pkit.testing.Futures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GarbageCollectorTest {
    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(31);
    private final MemoryPinStore pinStore = new MemoryPinStore();
    private final GcLock gcLock = new GcLock();
    private TieredBlockstore store;
    private Pinner pinner;
    private GarbageCollector gc;

    @BeforeEach
    void open() throws IOException {
        store = TieredBlockstore.builder(FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(false)))
                .build();
        pinner = new Pinner(store, store.local(), pinStore, TestDag.LINKS, gcLock, 1000);
        gc = new GarbageCollector(store.local(), pinStore, TestDag.LINKS, gcLock, 1000);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    private List<Block> storeTree(String name) throws IOException {
        List<Block> tree = TestDag.tree(random, 3, 50, name);
        for (Block b : tree) {
            store.put(b);
        }
        return tree;
    }

    private boolean allPresent(List<Block> blocks) throws IOException {
        for (Block b : blocks) {
            if (!store.has(b.cid().multihash())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void onlyUnpinnedBlocksAreRemoved() throws Exception {
        List<Block> recursive = storeTree("r");
        List<Block> direct = storeTree("d");
        List<Block> garbage = storeTree("g");
        List<Block> mfs = storeTree("m");
        pinner.pin(recursive.get(0).cid(), PinType.RECURSIVE, "");
        pinner.pin(direct.get(0).cid(), PinType.DIRECT, "");
        GcResult r = gc.collect(List.of(mfs.get(0).cid()));
        assertTrue(allPresent(recursive));
        assertTrue(allPresent(mfs), "protected roots are kept");
        assertTrue(store.has(direct.get(0).cid().multihash()));
        for (Block b : direct.subList(1, direct.size())) {
            assertFalse(store.has(b.cid().multihash()), "a direct pin keeps only its own block");
        }
        for (Block b : garbage) {
            assertFalse(store.has(b.cid().multihash()));
        }
        assertEquals(2L * 13 - 1, r.removed());
        assertEquals(13 + 13 + 1, r.kept());
        assertEquals(store.count(), r.kept());
        long garbageBytes = garbage.stream().mapToLong(Block::size).sum()
                + direct.subList(1, direct.size()).stream().mapToLong(Block::size).sum();
        assertEquals(garbageBytes, r.removedBytes());
    }

    @Test
    void aMissingBlockUnderAPinStopsTheCollectionBeforeItDeletes() throws Exception {
        List<Block> pinned = storeTree("p");
        List<Block> garbage = storeTree("g");
        pinner.pin(pinned.get(0).cid(), PinType.RECURSIVE, "");
        Block middle = pinned.get(4); // a node (every fourth block of a fanout-3 tree after the root is a middle node)
        assertEquals(TestDag.CODEC, middle.cid().codec());
        store.delete(middle.cid().multihash());
        MissingBlockException e = assertThrows(MissingBlockException.class, () -> gc.collect(List.of()));
        assertEquals(middle.cid(), e.cid());
        assertTrue(allPresent(garbage), "nothing deleted");
    }

    @Test
    void protectedRootsAreBestEffort() throws Exception {
        List<Block> mfs = storeTree("m");
        store.delete(mfs.get(4).cid().multihash());
        gc.collect(List.of(mfs.get(0).cid()));
        assertTrue(store.has(mfs.get(0).cid().multihash()), "the root");
        assertTrue(allPresent(mfs.subList(5, mfs.size())), "what is reachable past the gap");
        assertFalse(store.has(mfs.get(1).cid().multihash()), "a leaf only the missing node linked to");
    }

    @Test
    void aCollectionWaitsForAddsThatHoldThePinLock() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Block> tree = TestDag.tree(random, 3, 50, "a");
        CompletableFuture<Void> add = Futures.async(() -> {
            GcLock.Held held = gcLock.pinLock();
            try {
                for (Block b : tree) {
                    store.put(b);
                }
                holding.countDown();
                release.await();
                pinner.pin(tree.get(0).cid(), PinType.RECURSIVE, "");
            } finally {
                held.close();
            }
            return null;
        });
        holding.await();
        assertTrue(gcLock.tryGcLock(Duration.ofMillis(50)).isEmpty(), "the add holds the pin lock");
        CompletableFuture<GcResult> collection = Futures.async(() -> gc.collect(List.of()));
        release.countDown();
        Futures.await(add);
        GcResult r = Futures.await(collection);
        assertEquals(0, r.removed());
        assertTrue(allPresent(tree));
    }

    @Test
    void withoutThePinLockACollectionTakesAnUnpinnedAdd() throws Exception {
        // what the pin lock prevents: blocks written, a collection, then the pin
        List<Block> tree = storeTree("unlocked");
        gc.collect(List.of());
        MissingBlockException e = assertThrows(MissingBlockException.class,
                () -> pinner.pin(tree.get(0).cid(), PinType.RECURSIVE, ""));
        assertEquals(tree.get(0).cid(), e.cid());
    }

    @Test
    void unsavedBlocksInMemoryAreCollectedToo() throws Exception {
        Block fromNetwork = TestDag.leaf(random, 10);
        TieredBlockstore withNetwork = TieredBlockstore.builder(
                        FlatfsBlockstore.open(dir.resolve("other"), FlatfsBlockstore.Options.defaults().withSyncWrites(false)))
                .remote(new io.p2pkit.ipfs.blockstore.RemoteTier((cid, t) -> java.util.Optional.of(fromNetwork.data()),
                        Duration.ofSeconds(1), false))
                .build();
        try (withNetwork) {
            withNetwork.get(fromNetwork.cid());
            assertEquals(1, withNetwork.count());
            GcResult r = new GarbageCollector(withNetwork.local(), pinStore, TestDag.LINKS, gcLock, 100).collect(List.<Cid>of());
            assertEquals(1, r.removed());
            assertEquals(0, withNetwork.count());
        }
    }
}
