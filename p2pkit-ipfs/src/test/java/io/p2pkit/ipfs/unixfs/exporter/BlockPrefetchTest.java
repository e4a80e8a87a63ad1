package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.DirectBuffers;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockPrefetchTest {
    private static final int BUDGET = 64 * 1024;

    /** A 2 MiB file in 1 KiB chunks, 8 links per node: three levels, so reads ahead happen at every level. */
    private static Cid file(MemoryBlockstore store, byte[] data) throws IOException {
        ImportOptions o = ImportOptions.builder().chunker("size-1024").maxLinks(8).build();
        return new Importer(o, BlockSink.of(store)).importStream(new ByteArrayInputStream(data), "").root();
    }

    private static MemoryBlockstore store() {
        return new MemoryBlockstore(new MemoryBlockstore.Limits(1L << 30, 1 << 20, false));
    }

    @Test
    void aFileReadWithReadsAheadHasItsBytesAndGivesTheBudgetBack() throws IOException {
        MemoryBlockstore store = store();
        byte[] data = new byte[2 << 20];
        new Random(7).nextBytes(data);
        Cid root = file(store, data);
        Semaphore budget = new Semaphore(BUDGET);
        UnixfsNode node = UnixfsNode.load(store, root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FileStream in = new FileStream(store, budget, node, 0, -1)) {
            assertEquals(data.length, in.transferTo(out));
        }
        assertArrayEquals(data, out.toByteArray());
        assertEquals(BUDGET, budget.availablePermits());
        // a range in the middle, through read(): the same bytes as the array's
        try (FileStream in = new FileStream(store, budget, node, 300_000, 700_000)) {
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 300_000, 1_000_000), in.readAllBytes());
        }
        assertEquals(BUDGET, budget.availablePermits());
    }

    @Test
    void aFileOnDiskIsServedFromPooledBuffersAndEveryBufferComesBack(@TempDir Path dir) throws IOException {
        byte[] data = new byte[3 << 20];
        new Random(11).nextBytes(data);
        DirectBuffers pool = new DirectBuffers();
        Semaphore budget = new Semaphore(BUDGET);
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir,
                FlatfsBlockstore.Options.defaults().withSyncWrites(false).withVerifyOnRead(false))) {
            // DAG-PB leaves (read in place as FileLeaf) and raw leaves, three levels each
            for (boolean raw : new boolean[] {false, true}) {
                ImportOptions o = ImportOptions.builder().chunker("size-65536").maxLinks(8).rawLeaves(raw)
                        .cidVersion(raw ? 1 : 0).build();
                Cid root = new Importer(o, BlockSink.of(store)).importStream(new ByteArrayInputStream(data), "").root();
                UnixfsNode node = UnixfsNode.load(store, root);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (FileStream in = new FileStream(store, budget, pool, node, 0, -1)) {
                    assertEquals(data.length, in.transferTo(Channels.newChannel(out)));
                }
                assertArrayEquals(data, out.toByteArray());
                try (FileStream in = new FileStream(store, budget, pool, node, 100_000, 1_500_000)) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, 100_000, 1_600_000), in.readAllBytes());
                }
                ByteArrayOutputStream copied = new ByteArrayOutputStream();
                try (FileStream in = new FileStream(store, budget, pool, node, 2_000_000, -1)) {
                    in.transferTo((java.io.OutputStream) copied);
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 2_000_000, data.length), copied.toByteArray());
                assertEquals(0, pool.lent(), "every block's buffer was given back");
                assertTrue(pool.idleBytes() > 0, "and is there for the next reader");
                assertEquals(BUDGET, budget.availablePermits());
            }
        }
    }

    @Test
    void aReaderClosedHalfWayStopsItsReadsAheadAndGivesTheBudgetBack() throws Exception {
        MemoryBlockstore store = store();
        byte[] data = new byte[1 << 20];
        new Random(8).nextBytes(data);
        Cid root = file(store, data);
        Set<Cid> asked = ConcurrentHashMap.newKeySet();
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        Thread reader = Thread.currentThread();
        // the reader's own reads come at once, the reads ahead never do (a stalled network)
        BlockSource slow = cid -> {
            if (Thread.currentThread() != reader) {
                asked.add(cid);
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw new java.io.InterruptedIOException();
                }
            }
            return store.get(cid);
        };
        Semaphore budget = new Semaphore(BUDGET);
        FileStream in = new FileStream(slow, budget, UnixfsNode.load(store, root), 0, -1);
        assertEquals(1024, in.readNBytes(1024).length);   // the first leaf, read by the reader itself
        Await.until("reads ahead to start", () -> asked.size() == BlockPrefetch.WINDOW, Duration.ofSeconds(10));
        assertTrue(budget.availablePermits() < BUDGET, "the reads ahead hold part of the budget");
        in.close();
        assertEquals(BUDGET, budget.availablePermits());
        Await.until("the stalled reads ahead to be interrupted", () -> interrupted.get() > 0, Duration.ofSeconds(10));
    }

    @Test
    void aSpentBudgetMeansReadingBlockByBlock() throws IOException {
        MemoryBlockstore store = store();
        byte[] data = new byte[200_000];
        new Random(9).nextBytes(data);
        Cid root = file(store, data);
        AtomicInteger threads = new AtomicInteger();
        Thread reader = Thread.currentThread();
        BlockSource counting = cid -> {
            if (Thread.currentThread() != reader) {
                threads.incrementAndGet();
            }
            return store.get(cid);
        };
        Semaphore none = new Semaphore(0);
        try (InputStream in = new FileStream(counting, none, UnixfsNode.load(store, root), 0, -1)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertEquals(0, threads.get(), "no block was read ahead");
    }

    @Test
    void aBlockThatFailsToReadFailsTheReaderWithItsError() throws IOException {
        MemoryBlockstore store = store();
        byte[] data = new byte[100_000];
        new Random(10).nextBytes(data);
        Cid root = file(store, data);
        AtomicInteger reads = new AtomicInteger();
        BlockSource failing = cid -> {
            if (reads.incrementAndGet() > 5) {
                throw new IOException("disk on fire");
            }
            return store.get(cid);
        };
        Semaphore budget = new Semaphore(BUDGET);
        try (InputStream in = new FileStream(failing, budget, UnixfsNode.load(store, root), 0, -1)) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertEquals("disk on fire", e.getMessage());
        }
        assertEquals(BUDGET, budget.availablePermits());
        BlockSource missing = cid -> cid.equals(root) ? store.get(cid) : Optional.<Block>empty();
        try (InputStream in = new FileStream(missing, budget, UnixfsNode.load(store, root), 0, -1)) {
            assertThrows(BlockNotFoundException.class, in::readAllBytes);
        }
        assertEquals(BUDGET, budget.availablePermits());
    }
}
