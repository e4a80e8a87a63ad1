package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** putMany: the same blocks and counts as puts, duplicates and blocks already there once, no temporary file left. */
class FlatfsPutManyTest {
    private static List<Block> blocks(int n, int size, long seed) {
        Random r = new Random(seed);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[1 + r.nextInt(size)];
            r.nextBytes(b);
            out.add(Block.create(Multicodec.RAW, Multicodec.SHA2_256, b));
        }
        return out;
    }

    @Test
    void storesEveryBlockOnceAndKeepsCounts(@TempDir Path dir) throws IOException {
        for (boolean sync : new boolean[] {true, false}) {
            Path root = dir.resolve("s" + sync);
            try (FlatfsBlockstore store = FlatfsBlockstore.open(root, new FlatfsBlockstore.Options(sync, true, false))) {
                List<Block> first = blocks(100, 5000, 1);
                store.put(first.get(3));
                List<Block> batch = new ArrayList<>(first);
                batch.add(first.get(7)); // a duplicate inside the batch
                store.putMany(batch);
                store.putMany(List.of());
                store.putMany(first.subList(0, 10)); // all there already
                assertEquals(100, store.count());
                assertEquals(first.stream().mapToLong(Block::size).sum(), store.totalSize());
                for (Block b : first) {
                    assertArrayEquals(b.data(), store.get(b.cid()).orElseThrow().data());
                }
                try (Stream<Path> s = Files.walk(root)) {
                    assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(SyncedFiles.TEMP_PREFIX)), "temporary files left");
                }
            }
            try (FlatfsBlockstore reopened = FlatfsBlockstore.open(root, new FlatfsBlockstore.Options(sync, true, false))) {
                assertEquals(100, reopened.count());
            }
        }
    }

    @Test
    void aWriterSyncsEachDirectoryOnceAtItsSyncAndOtherPutsStillReturnDurable(@TempDir Path dir) throws IOException {
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults())) {
            List<Block> first = blocks(300, 2000, 2);
            List<Block> second = blocks(300, 2000, 3);
            BlockWrites w = store.writes();
            w.putMany(first);
            for (Block b : first) {
                assertArrayEquals(b.data(), store.get(b.cid()).orElseThrow().data(), "readable before the sync");
            }
            int held = store.unsyncedDirectories();
            assertTrue(held > 100, "300 blocks spread over most of the shard directories: " + held);
            // puts that find these blocks return once the names are durable: they sync the directories themselves
            store.put(first.get(0));
            store.putMany(first.subList(0, 20));
            assertEquals(held, store.unsyncedDirectories(), "theirs released, the writer's still held");
            w.putMany(second);
            assertTrue(store.unsyncedDirectories() >= held);
            w.sync();
            assertEquals(0, store.unsyncedDirectories());
            w.sync(); // nothing left
            assertEquals(600, store.count());
            // a failed batch makes what came before it durable and holds nothing
            Block big = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[Block.MAX_SIZE + 1]);
            w.putMany(blocks(10, 100, 4));
            assertThrows(BlockTooLargeException.class, () -> w.putMany(List.of(big)));
            assertEquals(0, store.unsyncedDirectories());
            assertEquals(610, store.count());
        }
        try (FlatfsBlockstore reopened = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults())) {
            assertEquals(610, reopened.count());
        }
        // without syncWrites nothing is held
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir.resolve("nosync"), new FlatfsBlockstore.Options(false, true, false))) {
            BlockWrites w = store.writes();
            w.putMany(blocks(50, 100, 5));
            assertEquals(0, store.unsyncedDirectories());
            w.sync();
            assertEquals(50, store.count());
        }
    }

    @Test
    void aBlockOverTheLimitIsRefused(@TempDir Path dir) throws IOException {
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults())) {
            Block big = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[Block.MAX_SIZE + 1]);
            assertThrows(BlockTooLargeException.class, () -> store.putMany(List.of(big)));
            assertEquals(0, store.count());
        }
    }
}
