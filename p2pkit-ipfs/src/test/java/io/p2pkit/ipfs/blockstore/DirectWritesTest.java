package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectWritesTest {
    // a dag-pb leaf of Kubo's default profile (256 KiB + 14), a raw leaf of the v1 profile, and the sizes around them
    private static final int[] SIZES = {DirectWrites.MIN_BYTES, 262_158, 1024 * 1024 - 1, 1024 * 1024, DirectWrites.MAX_BYTES};

    @TempDir
    Path dir;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void aChunkWrittenDirectlyReadsBackWholeAndExactlyItsSize() throws IOException {
        DirectWrites direct = DirectWrites.forStore(dir, 4);
        assertNotNull(direct, "the temporary directory's file system has a usable block size");
        for (int size : SIZES) {
            byte[] data = random(size, size);
            Path tmp = dir.resolve("t" + size);
            assertTrue(direct.wants(size));
            if (!direct.write(tmp, data)) {
                // a file system without O_DIRECT: nothing is left behind and direct writes stay off
                String type = Files.getFileStore(dir).type();
                assertFalse(List.of("ext4", "xfs").contains(type), type + " takes O_DIRECT");
                assertFalse(Files.exists(tmp));
                assertFalse(direct.wants(size));
                return;
            }
            assertEquals(size, Files.size(tmp));
            assertArrayEquals(data, Files.readAllBytes(tmp));
        }
    }

    @Test
    void smallAndOversizedBlocksGoThroughThePageCache() {
        DirectWrites direct = DirectWrites.forStore(dir, 4);
        assertNotNull(direct);
        assertFalse(direct.wants(DirectWrites.MIN_BYTES - 1));
        assertFalse(direct.wants(DirectWrites.MAX_BYTES + 1));
    }

    @Test
    void withEveryBufferInUseABlockGoesThroughThePageCacheAndDirectWritesStayOn() throws IOException {
        DirectWrites none = new DirectWrites(4096, 0); // a pool that may make no buffer
        Path tmp = dir.resolve("t");
        assertFalse(none.write(tmp, random(DirectWrites.MIN_BYTES, 2)));
        assertFalse(Files.exists(tmp));
        assertTrue(none.wants(DirectWrites.MIN_BYTES));
    }

    @Test
    void aRefusedDirectWriteLeavesNoFileAndTurnsItselfOff() throws IOException {
        // 512-byte padding on a file system of 4 KiB blocks: the JDK refuses the write's length
        long fsBlock = Files.getFileStore(dir).getBlockSize();
        DirectWrites direct = new DirectWrites(512, 4);
        Path tmp = dir.resolve("t");
        byte[] data = random(262_158, 1);
        if (fsBlock > 512) {
            assertFalse(direct.write(tmp, data));
            assertFalse(Files.exists(tmp));
            assertFalse(direct.wants(data.length));
        }
        // and the store still stores every block, through the page cache
        try (FlatfsBlockstore s = FlatfsBlockstore.open(dir.resolve("store"), FlatfsBlockstore.Options.defaults())) {
            Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
            s.put(b);
            assertArrayEquals(data, s.get(b.cid()).orElseThrow().data());
        }
    }

    @Test
    void aSyncedStoreKeepsChunksByteForByteOneByOneAndInBatches() throws IOException {
        List<Path> wheres = storeDirs();
        try {
            for (Path where : wheres) {
                checkStore(where);
            }
        } finally {
            for (Path where : wheres) {
                if (!where.startsWith(dir) && Files.exists(where)) {
                    try (var walk = Files.walk(where)) {
                        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }
    }

    private static void checkStore(Path where) throws IOException {
        try (FlatfsBlockstore s = FlatfsBlockstore.open(where, FlatfsBlockstore.Options.defaults())) {
            Block one = Block.create(Multicodec.RAW, Multicodec.SHA2_256, random(1024 * 1024, 7));
            s.put(one);
            List<Block> batch = List.of(
                    Block.create(Multicodec.RAW, Multicodec.SHA2_256, random(262_158, 8)),
                    Block.create(Multicodec.RAW, Multicodec.SHA2_256, random(1000, 9)),
                    Block.create(Multicodec.RAW, Multicodec.SHA2_256, random(1024 * 1024, 10)));
            s.putMany(batch);
            for (Block b : List.of(one, batch.get(0), batch.get(1), batch.get(2))) {
                assertArrayEquals(b.data(), s.get(b.cid()).orElseThrow().data(), where.toString());
                assertEquals(b.size(), Files.size(s.pathOf(b.cid().multihash())));
            }
            assertEquals(4, s.count());
        }
    }

    // the temporary directory, and a tmpfs where this machine has one (O_DIRECT there or not)
    private List<Path> storeDirs() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path d = Files.createTempDirectory(shm, "p2pkit-direct-");
            return List.of(dir.resolve("disk"), d);
        }
        return List.of(dir.resolve("disk"));
    }
}
