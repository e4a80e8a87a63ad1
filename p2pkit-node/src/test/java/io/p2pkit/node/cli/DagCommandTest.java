package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.car.CarReader;
import io.p2pkit.ipfs.car.CarV2Writer;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DagCommandTest {
    /** Kubo's CID of {"hello":"world"}: {@code echo '{"hello":"world"}' | ipfs dag put}. */
    static final String HELLO_WORLD = "bafyreidykglsfhoixmivffc5uwhcgshx4j465xwqntbmu43nb2dzqwfvae";

    @TempDir
    Path dir;

    private RepoFixture repo;

    @BeforeEach
    void init() {
        repo = RepoFixture.init(dir.resolve("repo"));
    }

    /** A small DAG: a root over two children that share a grandchild. */
    private String tree() {
        String shared = repo.dagPut("{\"shared\":\"leaf\"}");
        String a = repo.dagPut("{\"name\":\"a\",\"next\":{\"/\":\"" + shared + "\"}}");
        String b = repo.dagPut("{\"name\":\"b\",\"next\":{\"/\":\"" + shared + "\"}}");
        return repo.dagPut("{\"list\":[{\"/\":\"" + a + "\"},{\"/\":\"" + b + "\"}],\"n\":7}");
    }

    @Test
    void putGivesKubosCidsInEveryCodec() throws Exception {
        assertEquals(HELLO_WORLD, repo.dagPut("{\"hello\":\"world\"}"));
        CliRunner json = repo.runWithInput("{\"hello\": \"world\"}", "dag", "put", "--json");
        assertEquals("{\"Cid\":{\"/\":\"" + HELLO_WORLD + "\"}}\n", json.out());

        String asJson = repo.dagPut("{\"hello\":\"world\"}", "--store-codec", "dag-json", "--hash", "sha2-512");
        Cid c = Cid.parse(asJson);
        assertEquals(Multicodec.DAG_JSON, c.codec());
        assertEquals(Multicodec.SHA2_512, c.multihash().code());
        assertEquals("{\"hello\":\"world\"}", repo.ok("dag", "get", asJson));

        Path cbor = dir.resolve("node.cbor");
        Files.write(cbor, DagCbor.DEFAULT.encode(MapNode.of("hello", Node.of("world"))));
        assertEquals(HELLO_WORLD, repo.ok("dag", "put", "--input-codec", "dag-cbor", cbor.toString()));

        // the empty DAG-PB node (Kubo's 'ipfs object new'), from its data-model form
        String pb = repo.dagPut("{\"Links\":[]}", "--store-codec", "dag-pb");
        assertEquals("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n", CliRunner.run("cid", "format", "-v", "0", pb).out().strip());
        assertEquals("{\"Links\":[]}", repo.ok("dag", "get", pb));

        CliRunner bad = repo.runWithInput("{\"hello\":", "dag", "put");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("stdin: not valid dag-json"), bad.err());
        CliRunner unknown = repo.runWithInput("{}", "dag", "put", "--store-codec", "git-raw");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("cannot encode or decode git-raw"), unknown.err());
    }

    @Test
    void putPinsWhenAsked() {
        String cid = repo.dagPut("{\"keep\":1}", "--pin");
        assertEquals(cid + " recursive", repo.ok("pin", "ls"));
    }

    @Test
    void getFollowsPathsThroughLinksAndSaysWhichSegmentIsNotThere() {
        String root = tree();
        assertEquals("7", repo.ok("dag", "get", root + "/n"));
        assertEquals("\"b\"", repo.ok("dag", "get", "/ipfs/" + root + "/list/1/name"));
        assertEquals("{\"shared\":\"leaf\"}", repo.ok("dag", "get", root + "/list/0/next"));
        CliRunner json = repo.run("dag", "get", root + "/list/0", "--json");
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().endsWith("}\n") && json.out().startsWith("{\"name\":\"a\""), json.out());

        CliRunner.Bytes cbor = repo.bytes("dag", "get", root + "/list/0/next", "--output-codec", "dag-cbor");
        assertArrayEquals(DagCbor.DEFAULT.encode(MapNode.of("shared", Node.of("leaf"))), cbor.stdout());

        CliRunner missing = repo.run("dag", "get", root + "/list/1/nope");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("segment 2 \"nope\": no key \"nope\""), missing.err());
        CliRunner index = repo.run("dag", "get", root + "/list/5");
        assertTrue(index.err().contains("segment 1 \"5\": index 5 is past the end of a list of 2"), index.err());
        CliRunner both = repo.run("dag", "get", root, "--json", "--output-codec", "dag-cbor");
        assertEquals(2, both.status());
    }

    @Test
    void exportThenImportIntoAFreshRepositoryGivesTheSameBlocks() throws Exception {
        String root = tree();
        repo.dagPut("{\"unrelated\":true}");
        CliRunner.Bytes car = repo.bytes("dag", "export", root);
        assertEquals(0, car.status(), car.stderr());

        // depth first, each block once, the root first: 4 blocks for 5 links
        List<Block> blocks = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car.stdout()))) {
            assertEquals(List.of(Cid.parse(root)), r.roots());
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                blocks.add(b.get());
            }
        }
        assertEquals(4, blocks.size());
        assertEquals(root, blocks.get(0).cid().toString());
        assertTrue(new String(blocks.get(1).data(), StandardCharsets.UTF_8).contains("a"));

        Path file = dir.resolve("dag.car");
        Files.write(file, car.stdout());
        RepoFixture fresh = RepoFixture.init(dir.resolve("fresh"));
        CliRunner imported = fresh.run("dag", "import", file.toString(), "--stats");
        assertEquals(0, imported.status(), imported.err());
        assertEquals("Pinned root\t" + root + "\tsuccess\nImported 4 blocks (" + blocks.stream().mapToInt(Block::size).sum()
                + " bytes)\n", imported.out());
        for (Block b : blocks) {
            assertArrayEquals(b.data(), fresh.bytes("block", "get", b.cid().toString()).stdout());
        }
        assertTrue(fresh.ok("repo", "stat", "--json").contains("\"NumObjects\":4"));
        assertEquals(root + " recursive", fresh.ok("pin", "ls", "--type", "recursive"));
        assertArrayEquals(car.stdout(), fresh.bytes("dag", "export", root).stdout(), "the same CAR, byte for byte");
        assertEquals(repo.ok("dag", "stat", root, "--json"), fresh.ok("dag", "stat", root, "--json"));
    }

    @Test
    void importReadsCarV2AndStdinAndReportsKubosShapes() throws Exception {
        String root = tree();
        List<Block> blocks = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(repo.bytes("dag", "export", root).stdout()))) {
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                blocks.add(b.get());
            }
        }
        Path v2 = dir.resolve("dag.v2.car");
        try (CarV2Writer w = CarV2Writer.create(v2, List.of(Cid.parse(root)))) {
            for (Block b : blocks) {
                w.write(b);
            }
        }
        RepoFixture fresh = RepoFixture.init(dir.resolve("v2"));
        CliRunner json = fresh.runWithInput(Files.readAllBytes(v2), "dag", "import", "--stats", "--json");
        assertEquals(0, json.status(), json.err());
        String[] lines = json.out().strip().split("\n");
        assertEquals("{\"Root\":{\"Cid\":{\"/\":\"" + root + "\"},\"PinErrorMsg\":\"\"}}", lines[0]);
        Map<?, ?> stats = (Map<?, ?>) ((Map<?, ?>) TinyJson.parse(lines[1])).get("Stats");
        assertEquals(4L, ((Number) stats.get("BlockCount")).longValue());

        // Kubo's write batches, a block at a time or two: the same blocks stored
        for (String nodes : List.of("1", "2")) {
            RepoFixture batched = RepoFixture.init(dir.resolve("batched-" + nodes));
            batched.ok("config", "--json", "Import.BatchMaxNodes", nodes);
            batched.ok("config", "--json", "Import.BatchMaxSize", "100");
            batched.ok("dag", "import", v2.toString());
            assertTrue(batched.ok("repo", "stat", "--json").contains("\"NumObjects\":4"), nodes);
        }
        RepoFixture refused = RepoFixture.init(dir.resolve("refused"));
        CliRunner zero = refused.run("config", "--json", "Import.BatchMaxNodes", "0");
        assertEquals(1, zero.status());
        assertTrue(zero.err().contains("Import.BatchMaxNodes must be positive, got 0"), zero.err());

        RepoFixture unpinned = RepoFixture.init(dir.resolve("unpinned"));
        CliRunner quiet = unpinned.run("dag", "import", v2.toString(), "--pin-roots=false");
        assertEquals(0, quiet.status(), quiet.err());
        assertEquals("", quiet.out());
        assertEquals("", unpinned.ok("pin", "ls"));
        assertTrue(unpinned.ok("repo", "stat", "--json").contains("\"NumObjects\":4"));
    }

    @Test
    void aCorruptOrIncompleteCarSaysWhere() throws Exception {
        String root = tree();
        byte[] car = repo.bytes("dag", "export", root).stdout();
        byte[] corrupt = car.clone();
        corrupt[corrupt.length - 2] ^= 1; // inside the last block's bytes
        Path file = dir.resolve("corrupt.car");
        Files.write(file, corrupt);
        RepoFixture fresh = RepoFixture.init(dir.resolve("fresh"));
        CliRunner r = fresh.run("dag", "import", file.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains(file + ": import failed after block "), r.err());
        assertTrue(r.err().contains("hash to"), r.err());
        assertEquals("", fresh.ok("pin", "ls"), "no root is pinned after a failed import");
        // the blocks before the bad one are stored although they wait in a write batch (Import.BatchMaxNodes)
        java.util.regex.Matcher before = java.util.regex.Pattern.compile("after block (\\w+)").matcher(r.err());
        assertTrue(before.find(), r.err());
        assertEquals(before.group(1), fresh.ok("block", "stat", before.group(1)).lines().findFirst().orElseThrow()
                .replaceFirst("^Key: ", ""));

        Path truncated = dir.resolve("truncated.car");
        Files.write(truncated, java.util.Arrays.copyOf(car, car.length - 10));
        CliRunner t = fresh.run("dag", "import", truncated.toString());
        assertEquals(1, t.status());
        assertTrue(t.err().contains("truncated"), t.err());

        // a CAR whose root's DAG is not all there: the blocks go in, the pin fails on its own
        Path partial = dir.resolve("partial.car");
        byte[] rootOnly = repo.bytes("dag", "export", root).stdout();
        try (CarV2Writer w = CarV2Writer.create(partial, List.of(Cid.parse(root)))) {
            try (CarReader reader = CarReader.open(new ByteArrayInputStream(rootOnly))) {
                w.write(reader.next().orElseThrow());
            }
        }
        RepoFixture other = RepoFixture.init(dir.resolve("other"));
        CliRunner p = other.run("dag", "import", partial.toString());
        assertEquals(1, p.status());
        assertTrue(p.err().contains("pinning root \"" + root + "\" FAILED"), p.err());
        assertEquals(0, other.run("block", "stat", root).status());

        CliRunner missing = fresh.run("dag", "import", dir.resolve("none.car").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("none.car: no such file"), missing.err());
    }

    @Test
    void aBigBlockInACarIsRefusedUnlessAllowed() throws Exception {
        Block big = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[Block.MAX_SIZE + 1]);
        Path file = dir.resolve("big.car");
        try (CarV2Writer w = CarV2Writer.create(file, List.of(big.cid()))) {
            w.write(big);
        }
        CliRunner refused = repo.run("dag", "import", file.toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("over the cap of " + Block.MAX_SIZE), refused.err());
        CliRunner allowed = repo.run("dag", "import", file.toString(), "--allow-big-block");
        assertEquals(0, allowed.status(), allowed.err());
    }

    @Test
    void exportStopsAtAMissingBlockNamingIt() throws Exception {
        String leaf = repo.dagPut("{\"leaf\":1}");
        String root = repo.dagPut("{\"child\":{\"/\":\"" + leaf + "\"}}");
        repo.ok("block", "rm", leaf);
        CliRunner r = repo.run("dag", "export", root, "-o", dir.resolve("out.car").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("block " + leaf + " (linked from " + root + ") is not in the repository"), r.err());
        assertFalse(Files.exists(dir.resolve("out.car")), "no partial file is left");
    }

    @Test
    void localOnlyExportLeavesOutWhatIsMissingAndImportTakesItWithoutPinning() throws Exception {
        String root = tree();
        List<String> whole = cids(repo.bytes("dag", "export", root).stdout());
        String a = whole.get(1);
        String shared = whole.get(2);
        String b = whole.get(3);
        repo.ok("block", "rm", a);

        CliRunner cut = repo.run("dag", "export", root);
        assertEquals(1, cut.status());
        assertTrue(cut.err().contains("block " + a + " (linked from " + root + ") is not in the repository")
                && cut.err().contains("--local-only exports what is here"), cut.err());

        // as Kubo's --local-only: the missing block is left out, the shared one still comes through b
        CliRunner.Bytes partial = repo.bytes("dag", "export", root, "--local-only");
        assertEquals(0, partial.status(), partial.stderr());
        assertEquals(List.of(root, b, shared), cids(partial.stdout()));

        Path file = dir.resolve("partial.car");
        Files.write(file, partial.stdout());
        RepoFixture fresh = RepoFixture.init(dir.resolve("fresh"));
        CliRunner both = fresh.run("dag", "import", file.toString(), "--local-only", "--pin-roots=true");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("--local-only implies --pin-roots=false"), both.err());
        CliRunner pinning = fresh.run("dag", "import", file.toString());
        assertEquals(1, pinning.status(), "a partial DAG does not pin");
        CliRunner imported = fresh.run("dag", "import", file.toString(), "--local-only", "--stats");
        assertEquals(0, imported.status(), imported.err());
        assertTrue(imported.out().startsWith("Imported 3 blocks ("), imported.out());
        assertEquals("", fresh.ok("pin", "ls", "--type", "recursive"));
        assertArrayEquals(partial.stdout(), fresh.bytes("dag", "export", root, "--local-only").stdout());

        CliRunner online = repo.run("dag", "export", root, "--local-only", "--bootstrap",
                "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        assertEquals(2, online.status());
        assertTrue(online.err().contains("--local-only fetches nothing"), online.err());
        CliRunner noRoot = repo.run("dag", "export", a, "--local-only");
        assertEquals(1, noRoot.status(), "the root must be here");
    }

    /** A UnixFS file over two intermediate nodes, one of them gone: the partial CAR lacks it and its 174 leaves. */
    @Test
    void localOnlyExportLeavesOutAMissingNodesWholeSubtree() throws Exception {
        Path data = dir.resolve("data.bin");
        byte[] bytes = new byte[256 * 1024];
        new java.util.Random(3).nextBytes(bytes);
        Files.write(data, bytes);
        String root = repo.ok("add", "-Q", "--pin=false", "--chunker", "size-1024", data.toString());
        List<String> whole = cids(repo.bytes("dag", "export", root).stdout());
        assertEquals(1 + 2 + 256, whole.size(), "the root, two intermediate nodes and 256 leaves");
        repo.ok("block", "rm", whole.get(1));
        List<String> partial = cids(repo.bytes("dag", "export", root, "--local-only").stdout());
        assertEquals(whole.size() - 1 - 174, partial.size());
        assertEquals(whole.subList(1 + 1 + 174, whole.size()), partial.subList(1, partial.size()));
    }

    /** The CIDs of a CAR's blocks, in order. */
    private static List<String> cids(byte[] car) throws IOException {
        List<String> out = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                out.add(b.get().cid().toString());
            }
        }
        return out;
    }

    @Test
    void exportToAFileWithJsonAndProgress() throws Exception {
        String root = tree();
        CliRunner noFile = repo.run("dag", "export", root, "--json");
        assertEquals(2, noFile.status());
        assertTrue(noFile.err().contains("--output FILE"), noFile.err());

        Path out = dir.resolve("out.car");
        CliRunner r = repo.run("dag", "export", root, "-o", out.toString(), "--json", "--progress");
        assertEquals(0, r.status(), r.err());
        Map<?, ?> o = (Map<?, ?>) TinyJson.parse(r.out().strip());
        assertEquals(4L, ((Number) o.get("Blocks")).longValue());
        assertEquals(Files.size(out), ((Number) o.get("Size")).longValue());
        assertTrue(r.err().startsWith("\rexporting  "), r.err());
        assertArrayEquals(repo.bytes("dag", "export", root).stdout(), Files.readAllBytes(out));
    }

    @Test
    void statCountsEachBlockOnceAsKuboDoes() {
        String root = tree();
        CliRunner text = repo.run("dag", "stat", root);
        assertEquals(0, text.status(), text.err());
        String[] lines = text.out().split("\n", -1);
        assertEquals("", lines[0]);
        assertEquals(String.format("%-" + root.length() + "s\t%-15s\tSize", "CID", "Blocks"), lines[1]);
        assertTrue(lines[2].startsWith(root + "\t4              \t"), lines[2]);
        assertEquals("Summary", lines[4]);
        assertEquals("Unique Blocks: 4", lines[6]);
        assertEquals("Shared Size: 0 (0 B)", lines[7]);
        assertEquals("Ratio: 1.000000", lines[8]);

        String child = repo.ok("dag", "get", root + "/list/0/next", "--output-codec", "dag-json");
        Map<?, ?> two = (Map<?, ?>) TinyJson.parse(repo.ok("dag", "stat", root, root + "/list/0", "--json"));
        assertEquals(4L, ((Number) two.get("UniqueBlocks")).longValue());
        assertTrue(((Number) two.get("SharedSize")).longValue() > 0, two.toString());
        assertEquals(2, ((List<?>) two.get("DagStats")).size());
        assertFalse(child.isEmpty());

        CliRunner inside = repo.run("dag", "stat", root + "/n");
        assertEquals(1, inside.status());
        assertTrue(inside.err().contains("leads inside block " + root), inside.err());
    }
}
