package io.p2pkit.ipfs.blockstore;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What flatfs decodes from disk: file names, the SHARDING file, the usage file, block files. */
class FlatfsFuzzTest {
    /** A file name decodes to the multihash whose canonical name it is, or is refused with a DecodeException. */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void keyName(byte[] input) {
        String name = new String(input, StandardCharsets.ISO_8859_1);
        Multihash key;
        try {
            key = FlatfsKey.decode(name);
        } catch (DecodeException refused) {
            return;
        }
        assertEquals(name, FlatfsKey.encode(key));
    }

    /** Any usage file gives two non-negative counts that format back to the same bytes, or none (counted again). */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void usageFile(byte[] input) {
        long[] counts = FlatfsUsage.parse(input);
        if (counts != null) {
            assertEquals(2, counts.length);
            assertEquals(true, counts[0] >= 0 && counts[1] >= 0);
            assertArrayEquals(input, FlatfsUsage.format(counts[0], counts[1]));
        }
    }

    /** Any SHARDING text parses to a function whose identifier parses back to it, or is refused. */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void sharding(byte[] input) {
        Sharding s;
        try {
            s = Sharding.parse(new String(input, StandardCharsets.UTF_8));
        } catch (DecodeException refused) {
            return;
        }
        assertEquals(s, Sharding.parse(s.toString()));
        assertEquals(s.length(), s.directoryOf("CIQABCDEF").length());
        assertEquals(s.length(), s.directoryOf("").length());
    }

    /**
     * A block file with any content is read back as exactly those bytes when they hash to the
     * name, and is otherwise a CorruptBlockException, never anything else.
     */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void blockFile(byte[] input) throws Exception {
        Path dir = Files.createTempDirectory("flatfs-fuzz");
        try {
            Block real = Block.create(Multicodec.RAW, Multicodec.SHA2_256, Arrays.copyOf(input, Math.min(input.length, 8)));
            try (FlatfsBlockstore store = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(false))) {
                store.put(real);
                Files.write(store.pathOf(real.cid().multihash()), input);
                Cid cid = real.cid();
                try {
                    assertArrayEquals(input, store.get(cid).orElseThrow().data());
                    assertArrayEquals(real.data(), input, "only the right bytes are accepted");
                } catch (CorruptBlockException expected) {
                    assertEquals(cid.multihash(), expected.key());
                }
                assertEquals(Arrays.equals(real.data(), input), store.verify().ok());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
