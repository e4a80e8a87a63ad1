package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockArrays;
import io.p2pkit.ipfs.block.DirectBuffers;
import io.p2pkit.ipfs.testing.TestDag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlatfsBlockstoreTest {
    private static final byte[] EMPTY_DIR_BYTES = {0x0a, 0x02, 0x08, 0x01}; // dag-pb {Data: UnixFS directory}

    @TempDir
    Path dir;

    private FlatfsBlockstore open() throws IOException {
        return FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults());
    }

    @Test
    void aNewStoreHasKubosShardingFileAndReadme() throws IOException {
        try (FlatfsBlockstore s = open()) {
            assertEquals("/repo/flatfs/shard/v1/next-to-last/2\n", Files.readString(dir.resolve("SHARDING")));
            assertTrue(Files.readString(dir.resolve("_README")).contains("next-to-last/2"));
            assertEquals(0, s.count());
            assertEquals(0, s.totalSize());
            assertEquals("/repo/flatfs/shard/v1/next-to-last/2", s.shardingIdentifier());
        }
    }

    @Test
    void blocksAreFilesWhereKuboPutsThem() throws IOException {
        Block emptyDir = Block.verified(FlatfsKeyTest.EMPTY_DIR, EMPTY_DIR_BYTES);
        try (FlatfsBlockstore s = open()) {
            s.put(emptyDir);
            Path expected = dir.resolve("X3").resolve(FlatfsKeyTest.EMPTY_DIR_KEY + ".data");
            assertEquals(expected, s.pathOf(emptyDir.cid().multihash()));
            assertArrayEquals(EMPTY_DIR_BYTES, Files.readAllBytes(expected));
        }
    }

    @Test
    void aDirectoryLaidOutByKuboCanBeRead() throws IOException {
        // what `ipfs init` leaves in blocks/: the SHARDING file and block files named by multihash
        Files.writeString(dir.resolve("SHARDING"), "/repo/flatfs/shard/v1/next-to-last/2\n");
        Files.createDirectories(dir.resolve("X3"));
        Files.write(dir.resolve("X3").resolve(FlatfsKeyTest.EMPTY_DIR_KEY + ".data"), EMPTY_DIR_BYTES);
        Files.writeString(dir.resolve("diskUsage.cache"), "{\"diskUsage\":4,\"accuracy\":\"initial-exact\"}");
        Files.createDirectories(dir.resolve(".temp"));
        try (FlatfsBlockstore s = open()) {
            assertEquals(1, s.count());
            assertEquals(4, s.totalSize());
            Block b = s.get(FlatfsKeyTest.EMPTY_DIR).orElseThrow();
            assertEquals(FlatfsKeyTest.EMPTY_DIR, b.cid());
            assertArrayEquals(EMPTY_DIR_BYTES, b.data());
            try (Stream<Multihash> keys = s.keys()) {
                assertEquals(List.of(FlatfsKeyTest.EMPTY_DIR.multihash()), keys.toList());
            }
            assertTrue(s.verify().ok());
        }
    }

    @Test
    void keyedByMultihashSoCidV0AndV1NameOneBlock() throws IOException {
        Block v0 = Block.verified(FlatfsKeyTest.EMPTY_DIR, EMPTY_DIR_BYTES);
        Cid v1 = FlatfsKeyTest.EMPTY_DIR.toV1();
        Cid raw = Cid.v1(Multicodec.RAW, v1.multihash());
        try (FlatfsBlockstore s = open()) {
            s.put(v0);
            s.put(Block.of(v1, EMPTY_DIR_BYTES)); // idempotent: the same block
            assertEquals(1, s.count());
            // get hands back the CID it was asked with
            assertEquals(v1, s.get(v1).orElseThrow().cid());
            assertEquals(raw, s.get(raw).orElseThrow().cid());
            assertTrue(s.has(raw.multihash()));
            assertEquals(4, s.sizeOf(v1.multihash()).orElseThrow());
        }
    }

    @Test
    void putGetDeleteKeepTheCounts() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            blocks.add(TestDag.leaf(r, 100 + i));
        }
        long total = blocks.stream().mapToLong(Block::size).sum();
        try (FlatfsBlockstore s = open()) {
            for (Block b : blocks) {
                s.put(b);
                s.put(b);
            }
            assertEquals(50, s.count());
            assertEquals(total, s.totalSize());
            for (Block b : blocks) {
                assertArrayEquals(b.data(), s.get(b.cid()).orElseThrow().data());
            }
            try (Stream<Multihash> keys = s.keys()) {
                assertEquals(blocks.stream().map(b -> b.cid().multihash()).collect(Collectors.toSet()),
                        keys.collect(Collectors.toSet()));
            }
            assertTrue(s.delete(blocks.get(0).cid().multihash()));
            assertFalse(s.delete(blocks.get(0).cid().multihash()));
            assertFalse(s.has(blocks.get(0).cid().multihash()));
            assertTrue(s.get(blocks.get(0).cid()).isEmpty());
            assertTrue(s.sizeOf(blocks.get(0).cid().multihash()).isEmpty());
            assertEquals(49, s.count());
            assertEquals(total - blocks.get(0).size(), s.totalSize());
        }
        try (FlatfsBlockstore s = open()) {
            assertEquals(49, s.count(), "the counts of the clean close");
        }
        Files.delete(dir.resolve(FlatfsUsage.FILE));
        try (FlatfsBlockstore s = open()) {
            assertEquals(49, s.count(), "counted again without the file");
            assertEquals(total - blocks.get(0).size(), s.totalSize());
        }
    }

    /** A clean close writes the counts; an open takes them from there and lists no directory. */
    @Test
    void theCountsOfACleanCloseAreReadAtTheNextOpen() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(3), 700);
        try (FlatfsBlockstore s = open()) {
            s.put(b);
        }
        Path file = dir.resolve(FlatfsUsage.FILE);
        assertEquals("p2pkit flatfs usage v1\ncount 1\nbytes 700\n", Files.readString(file));
        // a block written behind the store's back is not seen: the counts came from the file
        Block stray = TestDag.leaf(new SplittableRandom(4), 300);
        try (FlatfsBlockstore other = FlatfsBlockstore.open(Files.createTempDirectory(dir.getParent(), "other"),
                FlatfsBlockstore.Options.defaults())) {
            Path from = other.pathOf(stray.cid().multihash());
            other.put(stray);
            Path to = dir.resolve(from.getParent().getFileName()).resolve(from.getFileName());
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        }
        long modified = Files.getLastModifiedTime(file).toMillis();
        try (FlatfsBlockstore s = open()) {
            assertTrue(s.get(b.cid()).isPresent());
            assertEquals(1, s.count());
            assertEquals(700, s.totalSize());
        }
        assertEquals(modified, Files.getLastModifiedTime(file).toMillis(), "a store that only read leaves the file");
        // a change removes the file before it is made; the close writes the new counts
        try (FlatfsBlockstore s = open()) {
            Block next = TestDag.leaf(new SplittableRandom(5), 50);
            s.put(next);
            assertFalse(Files.exists(file), "no counts on disk while changes are under way");
            assertEquals(2, s.count());
        }
        assertEquals("p2pkit flatfs usage v1\ncount 2\nbytes 750\n", Files.readString(file));
    }

    @Test
    void aFileThatIsNotTheCountsHasTheBlocksCountedAgain() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(6), 123);
        try (FlatfsBlockstore s = open()) {
            s.put(b);
        }
        Path file = dir.resolve(FlatfsUsage.FILE);
        for (String bad : new String[] {"", "p2pkit flatfs usage v1\ncount 5\n", "p2pkit flatfs usage v1\ncount -5\nbytes 1\n",
                "p2pkit flatfs usage v1\ncount 99999999999999999999\nbytes 1\n",
                "p2pkit flatfs usage v1\ncount 9999999999999999999\nbytes 1\n", "x".repeat(1000),
                "p2pkit flatfs usage v2\ncount 5\nbytes 5\n", "p2pkit flatfs usage v1\ncount 5\nbytes 5\nmore\n"}) {
            Files.writeString(file, bad);
            try (FlatfsBlockstore s = open()) {
                assertEquals(1, s.count(), bad);
                assertEquals(123, s.totalSize(), bad);
            }
            assertEquals("p2pkit flatfs usage v1\ncount 1\nbytes 123\n", Files.readString(file), "written again");
        }
    }

    @Test
    void tempFilesLeftByACrashAreRemovedWhenTheBlocksAreCounted() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(2), 1000);
        try (FlatfsBlockstore s = open()) {
            s.put(b);
        }
        FlatfsBlockstore crashed = open(); // a process that changed the store and died: never closed
        crashed.put(TestDag.leaf(new SplittableRandom(7), 24));
        crashed.delete(TestDag.leaf(new SplittableRandom(7), 24).cid().multihash());
        assertFalse(Files.exists(dir.resolve(FlatfsUsage.FILE)));
        Path shard = dir.resolve("X3");
        Files.createDirectories(shard);
        Files.write(shard.resolve("put-abc123"), new byte[10]);
        Files.write(dir.resolve("put-xyz"), new byte[3]);
        Files.createDirectories(dir.resolve(".temp"));
        Files.write(dir.resolve(".temp").resolve("temp-99"), new byte[7]);
        try (FlatfsBlockstore s = open()) {
            assertEquals(3, s.removedTempFiles());
            assertEquals(1, s.count());
            assertEquals(1000, s.totalSize());
            assertFalse(Files.exists(shard.resolve("put-abc123")));
            assertFalse(Files.exists(dir.resolve("put-xyz")));
            assertFalse(Files.exists(dir.resolve(".temp").resolve("temp-99")));
        }
    }

    @Test
    void aCorruptFileIsATypedErrorNamingTheBlock() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(3), 5000);
        Multihash key = b.cid().multihash();
        Path file;
        try (FlatfsBlockstore s = open()) {
            s.put(b);
            file = s.pathOf(key);
        }
        byte[] damaged = b.data().clone();
        damaged[100] ^= 1;
        Files.write(file, damaged);
        try (FlatfsBlockstore s = open()) {
            CorruptBlockException e = assertThrows(CorruptBlockException.class, () -> s.get(b.cid()));
            assertEquals(key, e.key());
            assertEquals(file, e.file());
            assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
            VerifyReport report = s.verify();
            assertEquals(1, report.bad());
            assertEquals(key, report.badBlocks().get(0).key().orElseThrow());
        }
        // without verification on read the damage goes unnoticed until verify
        try (FlatfsBlockstore s = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withVerifyOnRead(false))) {
            assertArrayEquals(damaged, s.get(b.cid()).orElseThrow().data());
        }
    }

    @Test
    void aReadIntoABufferGivesGetsBytesAndChecksThemAsGetDoes() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(13), 300_000);
        DirectBuffers pool = new DirectBuffers();
        Path file;
        try (FlatfsBlockstore s = open()) {
            s.put(b);
            file = s.pathOf(b.cid().multihash());
            ByteBuffer verified = s.read(b.cid(), pool).orElseThrow();
            assertArrayEquals(b.data(), bytes(verified));
            pool.release(verified);
            assertTrue(s.read(TestDag.leaf(new SplittableRandom(14), 10).cid(), pool).isEmpty());
        }
        byte[] damaged = b.data().clone();
        damaged[100] ^= 1;
        Files.write(file, damaged);
        try (FlatfsBlockstore s = open()) {
            assertThrows(CorruptBlockException.class, () -> s.read(b.cid(), pool));
        }
        try (FlatfsBlockstore s = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withVerifyOnRead(false))) {
            ByteBuffer raw = s.read(b.cid(), pool).orElseThrow();
            assertTrue(raw.isDirect(), "without re-hashing the file is read straight into the pool's buffer");
            assertArrayEquals(damaged, bytes(raw));
            pool.release(raw);
            Files.write(file, new byte[Block.MAX_SIZE + 1]);
            CorruptBlockException e = assertThrows(CorruptBlockException.class, () -> s.read(b.cid(), pool));
            assertTrue(e.getMessage().contains("over the block size limit"), e.getMessage());
        }
        assertEquals(0, pool.lent(), "every buffer came back");
    }

    @Test
    void aBlockReadForPassingOnIsCheckedAndItsArrayComesBack() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(15), 300_000);
        BlockArrays arrays = new BlockArrays();
        Path file;
        try (FlatfsBlockstore s = open()) {
            s.put(b);
            file = s.pathOf(b.cid().multihash());
            Block read = s.get(b.cid(), arrays).orElseThrow();
            assertArrayEquals(b.data(), read.data());
            assertEquals(1, arrays.lent(), "read into a lent array");
            arrays.release(read.data());
            assertSame(read.data(), s.get(b.cid(), arrays).orElseThrow().data(), "the same array, for the next read");
            arrays.release(read.data());
            assertTrue(s.get(TestDag.leaf(new SplittableRandom(16), 10).cid(), arrays).isEmpty());
        }
        byte[] damaged = b.data().clone();
        damaged[7] ^= 1;
        Files.write(file, damaged);
        try (FlatfsBlockstore s = open()) {
            CorruptBlockException e = assertThrows(CorruptBlockException.class, () -> s.get(b.cid(), arrays));
            assertTrue(e.getMessage().contains("do not hash to its multihash"), e.getMessage());
        }
        assertEquals(0, arrays.lent(), "a block that failed its check gave its array back");
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(b.position(), out);
        return out;
    }

    @Test
    void aTruncatedFileIsFoundAndRepairedByPut() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(4), 5000);
        try (FlatfsBlockstore s = open()) {
            s.put(b);
            Path file = s.pathOf(b.cid().multihash());
            Files.write(file, java.util.Arrays.copyOf(b.data(), 1234));
            assertThrows(CorruptBlockException.class, () -> s.get(b.cid()));
            assertFalse(s.verify().ok());
            s.put(b); // another size: rewritten
            assertArrayEquals(b.data(), s.get(b.cid()).orElseThrow().data());
            assertTrue(s.verify().ok());
        }
    }

    @Test
    void aFileTooLargeForABlockIsRefusedWithoutLoadingIt() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(5), 10);
        try (FlatfsBlockstore s = open()) {
            s.put(b);
            Files.write(s.pathOf(b.cid().multihash()), new byte[Block.MAX_SIZE + 1]);
            CorruptBlockException e = assertThrows(CorruptBlockException.class, () -> s.get(b.cid()));
            assertTrue(e.getMessage().contains("over the block size limit"), e.getMessage());
        }
    }

    @Test
    void verifyReportsBadNamesAndMisplacedFiles() throws IOException {
        Block b = TestDag.leaf(new SplittableRandom(6), 10);
        try (FlatfsBlockstore s = open()) {
            s.put(b);
            Path file = s.pathOf(b.cid().multihash());
            Path wrongDir = Files.createDirectories(dir.resolve("AA"));
            Files.copy(file, wrongDir.resolve(file.getFileName()));
            Files.write(wrongDir.resolve("NOTAKEY.data"), new byte[1]);
            Files.write(wrongDir.resolve("notes.txt"), new byte[1]); // ignored, as Kubo ignores it
            VerifyReport report = s.verify();
            assertEquals(1, report.checked());
            assertEquals(2, report.bad(), report.badBlocks().toString());
            Set<String> reasons = new HashSet<>();
            for (BadBlock bad : report.badBlocks()) {
                reasons.add(bad.reason().split(":")[0]);
            }
            assertTrue(reasons.contains("its name is not a block key"), reasons.toString());
            assertTrue(reasons.stream().anyMatch(x -> x.startsWith("it is in directory AA")), reasons.toString());
            try (Stream<Multihash> keys = s.keys()) {
                assertEquals(List.of(b.cid().multihash()), keys.toList(), "misplaced and foreign files are not keys");
            }
        }
    }

    @Test
    void bigBlocksNeedTheOption() throws IOException {
        byte[] big = new byte[Block.MAX_SIZE + 1];
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, big);
        try (FlatfsBlockstore s = open()) {
            BlockTooLargeException e = assertThrows(BlockTooLargeException.class, () -> s.put(b));
            assertEquals(b.cid(), e.cid());
            assertEquals(Block.MAX_SIZE + 1, e.size());
            assertFalse(s.has(b.cid().multihash()));
            // exactly 2 MiB is fine
            s.put(Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[Block.MAX_SIZE]));
        }
        try (FlatfsBlockstore s = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withAllowBigBlocks(true))) {
            s.put(b);
            assertEquals(big.length, s.get(b.cid()).orElseThrow().size());
        }
    }

    @Test
    void aDirectoryThatIsNotAFlatfsStoreIsRefused() throws IOException {
        Files.writeString(dir.resolve("something"), "x");
        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("no SHARDING file"), e.getMessage());
        Files.delete(dir.resolve("something"));
        Files.writeString(dir.resolve("SHARDING"), "/repo/flatfs/shard/v1/sideways/2\n");
        e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("sideways"), e.getMessage());
    }

    @Test
    void anotherShardingFunctionIsFollowed() throws IOException {
        Files.writeString(dir.resolve("SHARDING"), "/repo/flatfs/shard/v1/prefix/4\n");
        Block b = TestDag.leaf(new SplittableRandom(8), 10);
        try (FlatfsBlockstore s = open()) {
            s.put(b);
            assertEquals("CIQ" + FlatfsKey.encode(b.cid().multihash()).charAt(3),
                    s.pathOf(b.cid().multihash()).getParent().getFileName().toString());
            assertTrue(s.verify().ok());
        }
    }

    @Test
    void concurrentPutsAndDeletesKeepTheCountsRight() throws Exception {
        SplittableRandom r = new SplittableRandom(9);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blocks.add(TestDag.leaf(r, 200));
        }
        try (FlatfsBlockstore s = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(false));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                tasks.add(pool.submit(() -> {
                    SplittableRandom tr = new SplittableRandom(seed);
                    for (int i = 0; i < 200; i++) {
                        Block b = blocks.get(tr.nextInt(blocks.size()));
                        if (tr.nextInt(3) == 0) {
                            s.delete(b.cid().multihash());
                        } else {
                            s.put(b);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : tasks) {
                f.get();
            }
            long present = 0;
            for (Block b : blocks) {
                if (s.has(b.cid().multihash())) {
                    present++;
                    assertArrayEquals(b.data(), s.get(b.cid()).orElseThrow().data());
                }
            }
            assertEquals(present, s.count());
            assertEquals(present * 200, s.totalSize());
        }
    }

    @Test
    void theReadmeIsOursAndSaysWhatTheLayoutIs() throws IOException {
        open().close();
        String readme = Files.readString(dir.resolve("_README"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("X3/"), readme);
        assertTrue(readme.contains("/repo/flatfs/shard/v1/next-to-last/2"), readme);
    }
}
