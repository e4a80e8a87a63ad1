package io.p2pkit.ipfs.selector;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Selector#unixfsPath}: the unixfs ADL's path selector loads the blocks on the path and the
 * DAG under its end, never a sibling, through basic and HAMT-sharded directories.
 */
@Timeout(60)
class UnixfsPathSelectorTest {
    private final MemoryBlockstore store = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
    private final SelectorWalk walk = new SelectorWalk(Codecs.standard(), SelectorWalk.Limits.DEFAULT);
    private Cid root;

    /** root/docs/{a,b,c}.bin of 600 KB each (3 blocks), root/big/ a HAMT of 300 small files. */
    @BeforeEach
    void tree(@TempDir Path dir) throws Exception {
        Path top = dir.resolve("top");
        Files.createDirectories(top.resolve("docs"));
        Files.createDirectories(top.resolve("big"));
        Random random = new Random(41);
        for (String name : List.of("a.bin", "b.bin", "c.bin")) {
            byte[] data = new byte[600_000];
            random.nextBytes(data);
            Files.write(top.resolve("docs").resolve(name), data);
        }
        for (int i = 0; i < 300; i++) {
            Files.writeString(top.resolve("big").resolve("f" + i), "file " + i);
        }
        ImportOptions options = ImportOptions.builder().hamtThreshold(1000).hamtFanout(16).build();
        root = new Importer(options, BlockSink.of(store)).importPath(top).root();
    }

    @Test
    void aFileInABasicDirectoryLoadsThePathAndTheFileOnly() throws Exception {
        Exporter ex = new Exporter(store);
        Cid docs = ex.lookup(root, "docs").orElseThrow();
        Cid a = ex.lookup(docs, "a.bin").orElseThrow();
        List<Cid> fileBlocks = walk.walk(a, Selector.exploreAll(), store::get, SelectorWalk.Visitor.NONE).blocks();
        assertEquals(4, fileBlocks.size(), "a 600 KB file in 256 KiB chunks: a root and three leaves");

        SelectorWalk.Result r = walk.walk(root, Selector.unixfsPath(List.of("docs", "a.bin"), Selector.exploreAll()),
                store::get, SelectorWalk.Visitor.NONE);

        List<Cid> expected = new ArrayList<>(List.of(root, docs));
        expected.addAll(fileBlocks);
        assertEquals(expected, r.blocks(), "the path's directories, then the file, nothing of b.bin or c.bin");
        assertEquals(List.of(), r.missing());
    }

    @Test
    void aDirectoryAtThePathEndLoadsItsWholeDag() throws Exception {
        Cid docs = new Exporter(store).lookup(root, "docs").orElseThrow();
        List<Cid> whole = walk.walk(docs, Selector.exploreAll(), store::get, SelectorWalk.Visitor.NONE).blocks();
        SelectorWalk.Result r = walk.walk(root, Selector.unixfsPath(List.of("docs"), Selector.exploreAll()),
                store::get, SelectorWalk.Visitor.NONE);
        List<Cid> expected = new ArrayList<>(List.of(root));
        expected.addAll(whole);
        assertEquals(expected, r.blocks());
    }

    @Test
    void aNameInAHamtLoadsOnlyTheShardsOnItsHashPath() throws Exception {
        Exporter ex = new Exporter(store);
        Cid big = ex.lookup(root, "big").orElseThrow();
        Cid file = ex.lookup(big, "f123").orElseThrow();
        List<Cid> allShards = walk.walk(big, Selector.exploreAll(), store::get, SelectorWalk.Visitor.NONE).blocks()
                .stream().filter(this::isShard).toList();
        assertTrue(allShards.size() > 2, "the HAMT has child shards: " + allShards.size());

        SelectorWalk.Result r = walk.walk(root, Selector.unixfsPath(List.of("big", "f123"), Selector.exploreAll()),
                store::get, SelectorWalk.Visitor.NONE);

        List<Cid> blocks = r.blocks();
        assertEquals(root, blocks.getFirst());
        assertEquals(big, blocks.get(1));
        assertEquals(file, blocks.getLast());
        List<Cid> between = blocks.subList(1, blocks.size() - 1);
        assertTrue(between.stream().allMatch(this::isShard), "only shards between the root and the file");
        assertTrue(between.size() < allShards.size(), between.size() + " of " + allShards.size() + " shards");
        assertEquals(blocks.size(), new HashSet<>(blocks).size(), "nothing loaded twice");
    }

    @Test
    void everyEntryOfAHamtWithExploreAllUnderTheAdl() throws Exception {
        Cid big = new Exporter(store).lookup(root, "big").orElseThrow();
        Selector s = new Selector.ExploreInterpretAs("unixfs", new Selector.ExploreAll(new Selector.Matcher(java.util.Optional.empty())));
        Set<String> names = new HashSet<>();
        SelectorWalk.Result r = walk.walk(big, s, store::get, (path, node, matched) -> {
            if (matched) {
                names.add(path);
            }
        });
        assertEquals(300, names.size());
        assertTrue(names.contains("f0") && names.contains("f299"), "entries are named, not bucket-prefixed");
        long shards = walk.walk(big, Selector.exploreAll(), store::get, SelectorWalk.Visitor.NONE).blocks()
                .stream().filter(this::isShard).count();
        assertEquals(shards + 300, r.blocks().size(), "every shard and file of big/, each once");
    }

    @Test
    void anUnknownNameOrAFileSegmentStopsTheWalk() throws Exception {
        SelectorWalk.Result none = walk.walk(root, Selector.unixfsPath(List.of("docs", "zzz"), Selector.exploreAll()),
                store::get, SelectorWalk.Visitor.NONE);
        assertEquals(2, none.blocks().size(), "the root and docs/");
        SelectorWalk.Result file = walk.walk(root, Selector.unixfsPath(List.of("docs", "a.bin", "Links"), Selector.exploreAll()),
                store::get, SelectorWalk.Visitor.NONE);
        assertEquals(3, file.blocks().size(), "a file has no fields under the ADL: its root, not its leaves");
        SelectorWalk.Result missingShard = walk.walk(root, Selector.unixfsPath(List.of("big", "f1"), Selector.exploreAll()),
                cid -> isShard(cid) && !cid.equals(new Exporter(store).lookup(root, "big").orElseThrow())
                        ? java.util.Optional.empty() : store.get(cid), SelectorWalk.Visitor.NONE);
        assertFalse(missingShard.missing().isEmpty(), "a missing shard on the way is reported missing");
    }

    @Test
    void thePathSelectorRoundTripsAndOtherAdlsAreRefused() {
        Selector s = Selector.unixfsPath(List.of("docs", "a.bin"), Selector.exploreAll());
        assertEquals(s, SelectorParser.parse(s.toNode()));
        assertEquals("{\"~\":{\">\":{\"f\":{\"f>\":{\"docs\":{\"~\":{\">\":{\"f\":{\"f>\":{\"a.bin\":"
                        + "{\"R\":{\":>\":{\"a\":{\">\":{\"@\":{}}}},\"l\":{\"none\":{}}}}}}},\"as\":\"unixfs\"}}}}},\"as\":\"unixfs\"}}",
                new String(io.p2pkit.ipfs.codec.dagjson.DagJson.DEFAULT.encode(s.toNode()), java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(DecodeException.class, () -> SelectorParser.parseJson("{\"~\":{\"as\":\"unixfs-preload\",\">\":{\".\":{}}}}"));
        assertThrows(DecodeException.class, () -> SelectorParser.parseJson("{\"~\":{\">\":{\".\":{}}}}"));
    }

    private boolean isShard(Cid cid) {
        try {
            PBNode n = PBNode.decode(store.get(cid).orElseThrow().data());
            return n.hasData() && UnixfsData.decode(n.data()).type() == DataType.HAMT_SHARD;
        } catch (DecodeException e) {
            return false;
        }
    }
}
