package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Truncated, corrupt and hostile CARs end in a DecodeException: never a crash, a hang or a huge allocation. */
class CarRobustnessTest {
    private static final String V1 = "ipld-ipld/specs/transport/car/fixture/carv1-basic/carv1-basic.car";
    private static final String V2 = "ipld-ipld/specs/transport/car/fixture/carv2-basic/carv2-basic.car";
    private static final String V2_INDEXED = "ipfs-kubo/test/cli/fixtures/TestDagStatCARv2.car";

    /** What a stream read gives: the blocks, or the error. */
    private record Outcome(List<Block> blocks, DecodeException error) {
    }

    private static Outcome stream(byte[] car) throws IOException {
        List<Block> blocks = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                blocks.add(b.get());
            }
            return new Outcome(blocks, null);
        } catch (DecodeException e) {
            return new Outcome(blocks, e);
        }
    }

    @Test
    void everyPrefixOfACarv1FailsCleanlyOrIsAShorterCar() throws IOException {
        byte[] car = Vectors.bytes(V1);
        List<Block> all = stream(car).blocks();
        assertEquals(8, all.size());
        int clean = 0;
        for (int n = 0; n < car.length; n++) {
            Outcome o = stream(Arrays.copyOf(car, n));
            // A cut exactly between sections leaves a valid CAR with fewer blocks.
            assertEquals(all.subList(0, o.blocks().size()), o.blocks(), "prefix of " + n);
            if (o.error() == null) {
                clean++;
            } else {
                assertTrue(o.error().getMessage().contains("truncated") || o.error().getMessage().contains("empty"),
                        n + ": " + o.error().getMessage());
            }
        }
        assertEquals(8, clean, "the cuts at the 8 section boundaries (after the header and after each block but the last)");
    }

    @Test
    void everyPrefixOfACarv2FailsCleanlyUnlessOnlyTheIndexIsCut() throws IOException {
        for (String name : List.of(V2, V2_INDEXED)) {
            byte[] car = Vectors.bytes(name);
            CarV2Header h = CarReader.open(new ByteArrayInputStream(car)).v2Header().orElseThrow();
            List<Block> all = stream(car).blocks();
            for (int n = 0; n < car.length; n++) {
                Outcome o = stream(Arrays.copyOf(car, n));
                assertEquals(all.subList(0, o.blocks().size()), o.blocks());
                // The stream reader stops at the end of the data payload and never reads the index.
                assertEquals(n < h.dataOffset() + h.dataSize(), o.error() != null, name + " cut at " + n);
            }
        }
    }

    @Test
    void everyPrefixOfAnIndexedCarv2FailsCleanlyWhenOpenedForRandomAccess(@TempDir Path dir) throws IOException {
        byte[] car = Vectors.bytes(V2_INDEXED);
        Path file = dir.resolve("cut.car");
        for (int n = 0; n < car.length; n++) {
            Files.write(file, Arrays.copyOf(car, n));
            assertThrows(DecodeException.class, () -> CarFile.open(file).close(), "cut at " + n);
        }
        Files.write(file, car);
        try (CarFile f = CarFile.open(file)) {
            assertEquals(CarFile.IndexSource.STORED, f.indexSource());
        }
    }

    @Test
    void everyCorruptedByteFailsCleanlyOrChangesNothingThatMatters(@TempDir Path dir) throws IOException {
        for (String name : List.of(V1, V2_INDEXED)) {
            byte[] car = Vectors.bytes(name);
            Path file = dir.resolve("bad.car");
            for (int i = 0; i < car.length; i++) {
                for (int flip : new int[] {0x01, 0xFF}) {
                    byte[] bad = car.clone();
                    bad[i] ^= (byte) flip;
                    // Either a clean error or valid blocks: verification sees to it that no wrong block gets through.
                    stream(bad);
                    Files.write(file, bad);
                    try (CarFile f = CarFile.open(file)) {
                        for (Cid root : f.roots()) {
                            f.get(root);
                        }
                    } catch (DecodeException expected) {
                        // clean rejection
                    }
                }
            }
        }
    }

    @Test
    void hugeLengthsAreRefusedBeforeAnythingIsAllocated() {
        // A header claiming 2^62 bytes, a section claiming 2 GiB, a CARv2 data size past 2^63.
        byte[] header = HexFormat.of().parseHex("80808080808080804000");
        DecodeException e = assertOutcome(header).error();
        assertTrue(e.getMessage().contains("over the cap"), e.getMessage());
        byte[] v1 = Vectors.bytes(V1);
        byte[] headerOnly = Arrays.copyOf(v1, 1 + (v1[0] & 0xFF));
        byte[] section = concat(headerOnly, HexFormat.of().parseHex("80808080080000"));
        Outcome o = assertOutcome(section);
        assertTrue(o.error().getMessage().contains("over the cap"), o.error().getMessage());
        byte[] v2 = Vectors.bytes(V2).clone();
        Arrays.fill(v2, 35, 43, (byte) 0xFF);
        e = assertOutcome(v2).error();
        assertTrue(e.getMessage().contains("CARv2 header"), e.getMessage());
    }

    private static Outcome assertOutcome(byte[] car) {
        try {
            Outcome o = stream(car);
            assertTrue(o.error() != null, "expected an error");
            return o;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void hostileIndexesAreRefused() {
        // A bucket claiming 2^62 bytes; unsorted digests; a width under 9.
        String[] bad = {
                "8108 01000000 1200000000000000 01000000 28000000 0000000000000040",
                "8108 01000000 1200000000000000 01000000 09000000 0200000000000000 02 0000000000000000 01 0000000000000000",
                "8108 01000000 1200000000000000 01000000 08000000 0000000000000000",
                "8108 ffffffff",
                "8108 01000000 1200000000000000",
        };
        for (String hex : bad) {
            byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
            assertThrows(DecodeException.class, () -> CarIndex.read(new ByteArrayInputStream(b), b.length), hex);
        }
        byte[] other = HexFormat.of().parseHex("01");
        UnsupportedIndexException e = assertThrows(UnsupportedIndexException.class,
                () -> CarIndex.read(new ByteArrayInputStream(other), 1));
        assertEquals(1, e.format());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
