package io.p2pkit.ipfs.car;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.testing.Prerequisites;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CAR fixtures of ipld/ipld, and every other CAR in the vectors (gateway conformance, boxo, Kubo). */
class CarFixturesTest {
    private static final String FIXTURES = "ipld-ipld/specs/transport/car/fixture/";

    @Test
    void carv1BasicReadsAsDescribedAndWritesBackByteForByte() throws IOException {
        byte[] car = Vectors.bytes(FIXTURES + "carv1-basic/carv1-basic.car");
        MapNode description = (MapNode) DagJson.DEFAULT.decode(Vectors.bytes(FIXTURES + "carv1-basic/carv1-basic.json"));
        List<CarSection> sections = new ArrayList<>();
        List<Cid> roots;
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            assertEquals(1, r.version());
            roots = r.roots();
            for (Optional<CarSection> s = r.nextSection(); s.isPresent(); s = r.nextSection()) {
                sections.add(s.get());
            }
        }
        MapNode header = (MapNode) description.get("header").orElseThrow();
        assertEquals(links(header.get("roots").orElseThrow()), roots);
        checkSections(description, sections, 0);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CarWriter w = CarWriter.create(out, roots)) {
            for (CarSection s : sections) {
                w.write(s.block());
            }
        }
        assertArrayEquals(car, out.toByteArray());
    }

    @Test
    void carv2BasicReadsAsDescribed() throws IOException {
        byte[] car = Vectors.bytes(FIXTURES + "carv2-basic/carv2-basic.car");
        MapNode description = (MapNode) DagJson.DEFAULT.decode(Vectors.bytes(FIXTURES + "carv2-basic/carv2-basic.json"));
        MapNode header = (MapNode) description.get("header").orElseThrow();
        List<CarSection> sections = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            assertEquals(2, r.version());
            CarV2Header v2 = r.v2Header().orElseThrow();
            assertEquals(number(header, "dataOffset"), v2.dataOffset());
            assertEquals(number(header, "dataSize"), v2.dataSize());
            assertEquals(number(header, "indexOffset"), v2.indexOffset());
            assertEquals(0, v2.characteristicsHi() | v2.characteristicsLo());
            assertEquals(links(header.get("roots").orElseThrow()), r.roots());
            for (Optional<CarSection> s = r.nextSection(); s.isPresent(); s = r.nextSection()) {
                sections.add(s.get());
            }
        }
        checkSections(description, sections, number(header, "dataOffset"));
    }

    /**
     * carv2-basic's index predates the format code that now leads every CARv2 index: its first
     * bytes are an IndexSorted body (1 bucket of width 40, 200 bytes), read as format 0x01. The
     * file stays usable: its sections are scanned instead.
     */
    @Test
    void carv2BasicHasAnIndexOfAnOldLayoutAndIsScannedInstead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("carv2-basic.car");
        Files.write(file, Vectors.bytes(FIXTURES + "carv2-basic/carv2-basic.car"));
        try (CarFile car = CarFile.open(file)) {
            assertEquals(CarFile.IndexSource.SCANNED, car.indexSource());
            assertEquals(5, car.index().size());
            for (Cid root : car.roots()) {
                assertTrue(car.get(root).isPresent());
            }
        }
    }

    @Test
    void kubosCarv2IndexIsReadAndWrittenByteForByte(@TempDir Path dir) throws IOException {
        byte[] original = Vectors.bytes("ipfs-kubo/test/cli/fixtures/TestDagStatCARv2.car");
        Path in = dir.resolve("in.car");
        Files.write(in, original);
        List<Block> blocks = new ArrayList<>();
        List<Cid> roots;
        try (CarReader r = CarReader.open(new ByteArrayInputStream(original))) {
            roots = r.roots();
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                blocks.add(b.get());
            }
        }
        try (CarFile car = CarFile.open(in)) {
            assertEquals(CarFile.IndexSource.STORED, car.indexSource());
            assertEquals(CarIndex.MULTIHASH_INDEX_SORTED, car.index().format());
            for (Block b : blocks) {
                assertEquals(b, car.get(b.cid()).orElseThrow());
            }
        }
        Path out = dir.resolve("out.car");
        try (CarV2Writer w = CarV2Writer.create(out, roots)) {
            for (Block b : blocks) {
                w.write(b);
            }
        }
        assertArrayEquals(original, Files.readAllBytes(out));
    }

    @Test
    void everyBlockOfTheCodecFixturesCarReadsAndReencodes() throws IOException {
        int blocks = 0;
        try (CarReader r = CarReader.open(Files.newInputStream(Vectors.path("ipld-codec-fixtures/fixtures.car")))) {
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                Block block = b.get();
                Node node = Codecs.standard().decode(block);
                assertArrayEquals(block.data(), Codecs.standard().get(block.cid().codec()).encode(node), block.cid().toString());
                blocks++;
            }
        }
        assertTrue(blocks >= 200, blocks + " blocks");
    }

    static Stream<String> allCars() throws IOException {
        Path root = Vectors.root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".car")).map(p -> root.relativize(p).toString()).sorted().toList().stream();
        }
    }

    /** Every CAR in the vectors reads through, verified, as a stream and by random access. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("allCars")
    void everyCarInTheVectorsReads(String name) throws IOException {
        checkCar(Vectors.path(name), true);
    }

    /** Kubo's CARv1/CARv2 dataset (Filecoin exports, blake2b-256 CIDs): packed as .tar.xz, unpacked with tar. */
    @Test
    void kubosCarDatasetReads(@TempDir Path dir) throws Exception {
        Path tar = Prerequisites.program("tar", "Debian: apt-get install tar");
        Prerequisites.program("xz", "Debian: apt-get install xz-utils");
        Path archive = Vectors.path("ipfs-kubo/test/sharness/t0054-dag-car-import-export-data/test_dataset_car.tar.xz");
        Process p = new ProcessBuilder(tar.toString(), "-xJf", archive.toAbsolutePath().toString(), "-C", dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tar finished");
        assertEquals(0, p.exitValue());
        List<Path> cars;
        try (Stream<Path> files = Files.walk(dir)) {
            cars = files.filter(f -> f.getFileName().toString().endsWith(".car") && !f.getFileName().toString().startsWith("._")).sorted().toList();
        }
        assertEquals(10, cars.size(), cars.toString());
        for (Path car : cars) {
            // Filecoin's DAG-CBOR has strings that are not UTF-8: links only, not strict decoding.
            int blocks = checkCar(car, false);
            String name = car.getFileName().toString();
            if (name.contains("noroots")) {
                try (CarFile f = CarFile.open(car)) {
                    assertEquals(List.of(), f.roots(), name);
                }
            }
            assertTrue(blocks > 0 || name.startsWith("combined_naked_roots"), name);
        }
    }

    /** Reads a CAR both ways and returns its block count. */
    private static int checkCar(Path path, boolean strict) throws IOException {
        List<Block> blocks = new ArrayList<>();
        List<Cid> roots;
        try (InputStream in = Files.newInputStream(path); CarReader r = CarReader.open(in)) {
            roots = r.roots();
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                blocks.add(b.get());
            }
        }
        for (Block b : blocks) {
            // Every block of a codec p2pkit knows gives its links and (where asked) decodes strictly,
            // with the same links; plain cbor/json blocks are skipped.
            if (Codecs.standard().find(b.cid().codec()).isPresent()) {
                List<Cid> links = Codecs.standard().links(b);
                if (strict) {
                    // The same links (DAG-JSON lists them in its own key order, the data model in DAG-CBOR's).
                    assertEquals(sorted(links), sorted(Codecs.standard().decode(b).links()), path + ": " + b.cid());
                }
            }
        }
        try (CarFile car = CarFile.open(path)) {
            assertEquals(roots, car.roots(), path.toString());
            for (Block b : blocks) {
                assertEquals(Optional.of(b), car.get(b.cid()), path + ": " + b.cid());
            }
        }
        return blocks.size();
    }

    private static void checkSections(MapNode description, List<CarSection> sections, long dataOffset) {
        ListNode expected = (ListNode) description.get("blocks").orElseThrow();
        assertEquals(expected.size(), sections.size());
        for (int i = 0; i < sections.size(); i++) {
            MapNode e = (MapNode) expected.get(i);
            CarSection s = sections.get(i);
            assertEquals(((Link) e.get("cid").orElseThrow()).cid(), s.block().cid());
            assertEquals(number(e, "offset"), dataOffset + s.offset(), "offset of block " + i);
            assertEquals(number(e, "length"), s.length(), "length of block " + i);
            assertEquals(number(e, "blockLength"), s.block().size());
            assertEquals(e.get("content").orElseThrow(), Codecs.standard().decode(s.block()), "content of block " + i);
        }
    }

    private static List<String> sorted(List<Cid> cids) {
        return cids.stream().map(Cid::toString).sorted().toList();
    }

    private static long number(MapNode m, String key) {
        return ((IntNode) m.get(key).orElseThrow()).longValue();
    }

    private static List<Cid> links(Node list) {
        return ((ListNode) list).values().stream().map(n -> ((Link) n).cid()).toList();
    }
}
