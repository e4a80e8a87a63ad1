package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CarWriterTest {
    private static List<Block> blocks(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[r.nextInt(2000)];
            r.nextBytes(data);
            long hash = switch (i % 3) {
                case 0 -> Multicodec.SHA2_256;
                case 1 -> Multicodec.SHA2_512;
                default -> Multicodec.BLAKE2B_256;
            };
            out.add(Block.create(i % 2 == 0 ? Multicodec.RAW : Multicodec.DAG_PB, hash, data));
        }
        // An identity block, and a repeat.
        out.add(Block.of(Cid.v1(Multicodec.RAW, Multihash.identity(new byte[] {7})), new byte[] {7}));
        out.add(out.get(0));
        return out;
    }

    @Test
    void carv1RoundTripsInOrder() throws IOException {
        List<Block> blocks = blocks(50, 1);
        List<Cid> roots = List.of(blocks.get(3).cid(), blocks.get(4).cid());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long size;
        try (CarWriter w = CarWriter.create(out, roots)) {
            for (Block b : blocks) {
                w.write(b);
            }
            size = w.size();
        }
        assertEquals(size, out.size());
        List<Block> back = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(out.toByteArray()))) {
            assertEquals(roots, r.roots());
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                back.add(b.get());
            }
        }
        assertEquals(blocks, back);
    }

    @Test
    void carv2IsIndexedForRandomAccess(@TempDir Path dir) throws IOException {
        List<Block> blocks = blocks(200, 2);
        Path file = dir.resolve("x.car");
        try (CarV2Writer w = CarV2Writer.create(file, List.of(blocks.get(0).cid()))) {
            for (Block b : blocks) {
                w.write(b);
            }
        }
        try (CarFile car = CarFile.open(file)) {
            assertEquals(2, car.version());
            assertEquals(CarFile.IndexSource.STORED, car.indexSource());
            assertEquals(blocks.size() - 1, car.index().size(), "every block but the identity one is indexed");
            for (Block b : blocks) {
                assertEquals(b, car.get(b.cid()).orElseThrow());
            }
            // Version and codec do not matter to the lookup, the multihash does.
            Cid other = Cid.v1(Multicodec.DAG_CBOR, blocks.get(0).cid().multihash());
            assertEquals(other, car.get(other).orElseThrow().cid());
            assertTrue(car.get(Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[] {1, 2}).cid()).isEmpty());
        }
        // The stream reader reads the same CAR through its data payload.
        List<Block> back = new ArrayList<>();
        try (CarReader r = CarReader.open(Files.newInputStream(file))) {
            assertEquals(2, r.version());
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                back.add(b.get());
            }
        }
        assertEquals(blocks, back);
        // The index survives a write and a read.
        try (CarFile car = CarFile.open(file)) {
            byte[] bytes = car.index().toByteArray();
            assertEquals(car.index(), CarIndex.read(new ByteArrayInputStream(bytes), bytes.length));
        }
    }

    @Test
    void aBlockThatDoesNotMatchItsCidIsRefused(@TempDir Path dir) throws IOException {
        Block good = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[] {1, 2, 3});
        Block lie = Block.of(good.cid(), new byte[] {1, 2, 4});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CarWriter w = CarWriter.create(out, List.of(good.cid()))) {
            w.write(lie);
        }
        try (CarReader r = CarReader.open(new ByteArrayInputStream(out.toByteArray()))) {
            assertThrows(BlockMismatchException.class, r::next);
        }
        Path file = dir.resolve("lie.car");
        try (CarV2Writer w = CarV2Writer.create(file, List.of(good.cid()))) {
            w.write(lie);
        }
        try (CarFile car = CarFile.open(file)) {
            assertThrows(BlockMismatchException.class, () -> car.get(good.cid()));
        }
    }

    @Test
    void aCarWithoutRootsOrBlocksIsValid() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter.create(out, List.of()).close();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(out.toByteArray()))) {
            assertEquals(List.of(), r.roots());
            assertTrue(r.next().isEmpty());
        }
    }

    @Test
    void headersMustBeVersionOneWithRootsAndNothingElse() {
        for (String json : List.of("a16776657273696f6e01", "a265726f6f7473806776657273696f6e03", "a265726f6f7473016776657273696f6e01",
                "a365726f6f7473806776657273696f6e016565787472610180", "a265726f6f7473810167766572736f6e01", "80")) {
            byte[] header = java.util.HexFormat.of().parseHex(json);
            byte[] car = new byte[header.length + 1];
            car[0] = (byte) header.length;
            System.arraycopy(header, 0, car, 1, header.length);
            assertThrows(DecodeException.class, () -> CarReader.open(new ByteArrayInputStream(car)), json);
        }
    }
}
