package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.TieredBlockstore;
import io.p2pkit.ipfs.testing.TestDag;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.Futures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adds race garbage collections: several adders each write DAGs (leaves first, as an importer
 * does) under the pin lock and pin the root at the end, plus unpinned garbage outside it, while
 * a collector runs {@code gc} over and over. Each adder starts its next DAG only after another
 * collection has run, so collections fall between, before and after adds all through the test.
 * Afterwards every pinned DAG must be complete and intact, and the garbage gone. The test
 * {@code withoutThePinLockACollectionTakesAnUnpinnedAdd} in {@link GarbageCollectorTest} shows the
 * failure this guards against.
 */
class GcRaceTest {
    private static final int ADDERS = 6;
    private static final int DAGS_PER_ADDER = 20;

    @TempDir
    Path dir;

    @Test
    void everyAddedAndPinnedDagSurvivesConcurrentCollections() throws Exception {
        MemoryPinStore pinStore = new MemoryPinStore();
        GcLock gcLock = new GcLock();
        try (TieredBlockstore store = TieredBlockstore.builder(
                FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(false))).build()) {
            Pinner pinner = new Pinner(store, store.local(), pinStore, TestDag.LINKS, gcLock, 100_000);
            GarbageCollector gc = new GarbageCollector(store.local(), pinStore, TestDag.LINKS, gcLock, 100_000);
            AtomicBoolean addsDone = new AtomicBoolean();
            AtomicLong collections = new AtomicLong();
            AtomicLong removed = new AtomicLong();
            CompletableFuture<Void> collector = Futures.async(() -> {
                while (!addsDone.get()) {
                    removed.addAndGet(gc.collect(List.of()).removed());
                    collections.incrementAndGet();
                }
                return null;
            });
            ConcurrentLinkedQueue<List<Block>> pinned = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Block> garbage = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> adders = new ArrayList<>();
            for (int a = 0; a < ADDERS; a++) {
                int adder = a;
                adders.add(Futures.async(() -> {
                    SplittableRandom random = new SplittableRandom(adder);
                    for (int d = 0; d < DAGS_PER_ADDER; d++) {
                        long seen = d;
                        Await.until("collection " + seen, () -> collections.get() >= seen || collector.isDone());
                        Block junk = TestDag.leaf(random, 512);
                        store.put(junk); // never pinned
                        garbage.add(junk);
                        List<Block> dag = TestDag.tree(random, 3, 1024, "adder " + adder + " dag " + d);
                        List<Block> leavesFirst = new ArrayList<>(dag);
                        Collections.reverse(leavesFirst);
                        GcLock.Held held = gcLock.pinLock(); // before the first block, until the pin
                        try {
                            for (Block b : leavesFirst) {
                                store.put(b);
                            }
                            pinner.pin(dag.get(0).cid(), PinType.RECURSIVE, "");
                        } finally {
                            held.close();
                        }
                        pinned.add(dag);
                    }
                    return null;
                }));
            }
            try {
                for (CompletableFuture<Void> f : adders) {
                    Futures.await(f);
                }
            } finally {
                addsDone.set(true);
            }
            Futures.await(collector);
            removed.addAndGet(gc.collect(List.of()).removed());

            System.out.printf("gc race: %d adds pinned, %d collections ran alongside, %d garbage blocks removed%n",
                    pinned.size(), collections.get(), removed.get());
            assertEquals(ADDERS * DAGS_PER_ADDER, pinned.size());
            assertTrue(collections.get() >= DAGS_PER_ADDER, "collections ran throughout: " + collections.get());
            for (List<Block> dag : pinned) {
                for (Block b : dag) {
                    Block stored = store.get(b.cid()).orElseThrow(() -> new AssertionError("lost " + b.cid()));
                    assertArrayEquals(b.data(), stored.data());
                }
            }
            for (PinVerifyResult r : pinner.verify()) {
                assertTrue(r.ok(), r.toString());
            }
            for (Block junk : garbage) {
                assertFalse(store.has(junk.cid().multihash()), "garbage " + junk.cid() + " was collected");
            }
            assertEquals(garbage.size(), removed.get(), "collections removed exactly the garbage");
            assertEquals((long) ADDERS * DAGS_PER_ADDER * 13, store.count());
            List<Cid> roots = pinner.ls(java.util.Set.of(PinType.RECURSIVE)).stream().map(Pin::cid).toList();
            assertEquals(ADDERS * DAGS_PER_ADDER, roots.size());
        }
    }

    @Test
    void aLockIsReleasedOnlyByItsOwnerThread() throws Exception {
        GcLock gcLock = new GcLock();
        GcLock.Held held = gcLock.pinLock();
        CompletableFuture<Void> elsewhere = Futures.async(() -> {
            held.close();
            return null;
        });
        org.junit.jupiter.api.Assertions.assertInstanceOf(IllegalMonitorStateException.class, Futures.failure(elsewhere));
        assertEquals(1, gcLock.pinLocksHeld());
        held.close();
        held.close();
        assertEquals(0, gcLock.pinLocksHeld());
    }

    @Test
    void aCollectionThatWaitsTooLongForAddsCanGiveUp() throws Exception {
        GcLock gcLock = new GcLock();
        GcLock.Held add = gcLock.pinLock();
        try {
            CompletableFuture<Boolean> tried = Futures.async(() -> gcLock.tryGcLock(Duration.ofMillis(20)).isPresent());
            assertFalse(Futures.await(tried));
            assertEquals(1, gcLock.pinLocksHeld());
        } finally {
            add.close();
        }
        assertTrue(gcLock.tryGcLock(Duration.ofMillis(20)).map(h -> {
            h.close();
            return true;
        }).orElse(false));
    }
}
