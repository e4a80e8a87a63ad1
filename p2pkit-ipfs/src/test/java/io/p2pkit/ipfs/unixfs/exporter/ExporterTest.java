package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.car.CarFile;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.PathResolver;
import io.p2pkit.ipfs.unixfs.DeterministicBytes;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExporterTest {
    private static MemoryBlockstore store() {
        return new MemoryBlockstore(new MemoryBlockstore.Limits(1L << 30, 1 << 20, false));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"unixfs-v0-2015", "unixfs-v1-2025", "trickle", "small-chunks", "inline"})
    void filesRoundTripWithRanges(String variant) throws IOException {
        ImportOptions o = switch (variant) {
            case "trickle" -> ImportOptions.builder().layout(ImportOptions.Layout.TRICKLE).chunker("size-1000").maxLinks(4).build();
            case "small-chunks" -> ImportOptions.builder().chunker("size-100").maxLinks(3).build();
            case "inline" -> ImportOptions.builder().cidVersion(1).chunker("size-20").inline(true).build();
            default -> ImportOptions.profile(variant);
        };
        for (int size : new int[] {0, 1, 99, 100, 101, 2999, 20_000}) {
            MemoryBlockstore store = store();
            byte[] data = random(size, size);
            Cid root = new Importer(o, BlockSink.of(store)).importStream(new ByteArrayInputStream(data), "").root();
            Exporter ex = new Exporter(store);
            assertEquals(EntryType.FILE, ex.stat(root).type());
            assertEquals(size, ex.stat(root).size());
            try (InputStream in = ex.read(root)) {
                assertArrayEquals(data, in.readAllBytes(), variant + " " + size);
            }
            Random r = new Random(size);
            for (int i = 0; i < 20; i++) {
                int off = size == 0 ? 0 : r.nextInt(size + 5);
                int len = r.nextInt(size + 10);
                byte[] want = Arrays.copyOfRange(data, Math.min(off, size), Math.min(size, Math.min(off, size) + len));
                try (InputStream in = ex.read(root, off, len)) {
                    assertArrayEquals(want, in.readAllBytes(), variant + " " + size + " @" + off + "+" + len);
                }
            }
        }
    }

    /** A range deep in a big file reads only the blocks on its way, not those before it. */
    @Test
    void seekingReadsOnlyTheBlocksOnTheWay() throws IOException {
        MemoryBlockstore store = store();
        long size = 40L * 1024 * 1024;
        Cid root = new Importer(ImportOptions.UNIXFS_V1_2025.toBuilder().chunker("size-65536").maxLinks(16).build(), BlockSink.of(store))
                .importStream(new DeterministicBytes("seek", size), "").root();
        int[] reads = {0};
        Exporter ex = new Exporter(cid -> {
            reads[0]++;
            return store.get(cid);
        });
        byte[] got;
        try (InputStream in = ex.read(root, size - 70_000, 100_000)) {
            got = in.readAllBytes();
        }
        assertEquals(70_000, got.length);
        byte[] all = new DeterministicBytes("seek", size).readAllBytes();
        assertArrayEquals(Arrays.copyOfRange(all, (int) (size - 70_000), (int) size), got);
        assertTrue(reads[0] <= 8, "blocks read: " + reads[0]);
    }

    @Test
    void treesRoundTripWithModeMtimeAndSymlinks(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("top"));
        Files.write(dir.resolve("a.txt"), "alpha".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.write(dir.resolve("sub/deeper/b.bin"), random(5000, 7));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("a.txt"));
        Files.createDirectories(dir.resolve("empty"));
        Files.setLastModifiedTime(dir.resolve("a.txt"), FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
        MemoryBlockstore store = store();
        ImportOptions o = ImportOptions.builder().cidVersion(1).preserveMtime(true).preserveMode(true).chunker("size-1024").build();
        Cid root = new Importer(o, BlockSink.of(store)).importPath(dir).root();
        Exporter ex = new Exporter(store);
        Map<String, DirEntry> entries = list(ex, root);
        assertEquals(List.of("a.txt", "empty", "link", "sub"), new ArrayList<>(entries.keySet()));
        assertEquals(EntryType.SYMLINK, entries.get("link").type());
        assertEquals("a.txt", ex.readSymlink(entries.get("link").cid()));
        UnixfsEntry a = ex.stat(entries.get("a.txt").cid());
        assertEquals(new Mtime(1_700_000_000L, 123_456_789), a.mtime());
        assertEquals(0644 & Files.getAttribute(dir.resolve("a.txt"), "unix:mode").hashCode() & 0777,
                a.mode() & 0777);
        Cid b = ex.lookup(ex.lookup(entries.get("sub").cid(), "deeper").orElseThrow(), "b.bin").orElseThrow();
        try (InputStream in = ex.read(b)) {
            assertArrayEquals(random(5000, 7), in.readAllBytes());
        }
        Cid viaPath = new PathResolver(store, Codecs.standard(), HamtLinkLookup.INSTANCE)
                .resolve(IpfsPath.parse("/ipfs/" + root + "/sub/deeper/b.bin")).cid();
        assertEquals(b, viaPath);
    }

    private static Map<String, DirEntry> list(Exporter ex, Cid dir) throws IOException {
        Map<String, DirEntry> out = new java.util.LinkedHashMap<>();
        DirEntries it = ex.list(dir, true);
        for (DirEntry e; (e = it.next()) != null; ) {
            out.put(e.name(), e);
        }
        return out;
    }

    /**
     * Kubo's TestGatewayHAMTDirectory.car: a HAMT directory of 10,100 files (only the shards and a
     * list of the file CIDs are in the CAR). Every listed entry is found by name through the HAMT,
     * and the listing agrees with the file list.
     */
    @Test
    void kubosHamtFixtureListsAndLooksUp() throws IOException {
        try (CarFile car = CarFile.open(Vectors.path("ipfs-kubo/test/cli/fixtures/TestGatewayHAMTDirectory.car"))) {
            Exporter ex = new Exporter(car);
            Cid fixtures = car.roots().get(0);
            Cid hamt = Cid.parse("bafybeiggvykl7skb2ndlmacg2k5modvudocffxjesexlod2pfvg5yhwrqm");
            UnixfsEntry s = ex.stat(hamt);
            assertTrue(s.sharded());
            Map<String, DirEntry> entries = new HashMap<>();
            DirEntries it = ex.list(hamt, false);
            for (DirEntry e; (e = it.next()) != null; ) {
                entries.put(e.name(), e);
            }
            assertEquals(10_100, entries.size());
            String refs;
            try (InputStream in = ex.read(ex.lookup(fixtures, "files_refs").orElseThrow())) {
                refs = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> fileCids = refs.lines().toList();
            assertEquals(10_100, fileCids.size());
            assertEquals(new java.util.HashSet<>(fileCids), entries.values().stream().map(e -> e.cid().toString())
                    .collect(java.util.stream.Collectors.toSet()));
            for (DirEntry e : entries.values()) {
                assertEquals(e.cid(), ex.lookup(hamt, e.name()).orElseThrow(), e.name());
            }
            assertTrue(ex.lookup(hamt, "no such name").isEmpty());
            String name = entries.keySet().iterator().next();
            assertEquals(entries.get(name).cid(), new PathResolver(car, Codecs.standard(), HamtLinkLookup.INSTANCE)
                    .resolve(IpfsPath.parse("/ipfs/" + hamt + "/" + name)).cid());
        }
    }

    /** The conformance suite's HAMT with multi-block files reads back to the same listing boxo's fixture has. */
    @Test
    void conformanceHamtWithFilesReads() throws IOException {
        try (CarFile car = CarFile.open(Vectors.path("ipfs-gateway-conformance/fixtures/trustless_gateway_car/single-layer-hamt-with-multi-block-files.car"))) {
            Exporter ex = new Exporter(car);
            Cid root = car.roots().get(0);
            Map<String, DirEntry> entries = list(ex, root);
            assertEquals(1000, entries.size());
            for (DirEntry e : entries.values()) {
                try (InputStream in = ex.read(e.cid())) {
                    assertEquals(e.size(), in.readAllBytes().length);
                }
            }
        }
    }

    // --- untrusted DAGs

    private static Cid put(MemoryBlockstore store, PBNode node) throws IOException {
        byte[] bytes = node.encode();
        Block b = Block.of(Cid.v1(Multicodec.DAG_PB, Multihash.digest(Multicodec.SHA2_256, bytes)), bytes);
        store.put(b);
        return b.cid();
    }

    private static Cid raw(MemoryBlockstore store, byte[] data) throws IOException {
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
        store.put(b);
        return b.cid();
    }

    @Test
    void sizesThatLieAreRefusedNamingTheBlock() throws IOException {
        MemoryBlockstore store = store();
        Cid leaf = raw(store, new byte[10]);
        Cid liar = put(store, PBNode.of(UnixfsData.file(null, 20, new long[] {20}).encode(), List.of(PBLink.of(leaf, "", 10))));
        UnixfsException e = assertThrows(UnixfsException.class, () -> new Exporter(store).read(liar).readAllBytes());
        assertEquals(UnixfsException.Reason.SIZE_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains(liar.toString()), e.getMessage());
        Cid wrongTotal = put(store, PBNode.of(UnixfsData.file(null, 11, new long[] {10}).encode(), List.of(PBLink.of(leaf, "", 10))));
        assertEquals(UnixfsException.Reason.SIZE_MISMATCH,
                assertThrows(UnixfsException.class, () -> new Exporter(store).read(wrongTotal)).reason());
    }

    @Test
    void aLoopIsRefused() throws IOException {
        MemoryBlockstore store = store();
        // A node cannot name itself by hash, so the loop goes through a block source that lies about a CID.
        Cid fake = Cid.v1(Multicodec.DAG_PB, Multihash.digest(Multicodec.SHA2_256, new byte[] {1}));
        PBNode loop = PBNode.of(UnixfsData.file(null, 5, new long[] {5}).encode(), List.of(PBLink.of(fake, "", 5)));
        Exporter ex = new Exporter(cid -> cid.equals(fake) ? java.util.Optional.of(Block.of(fake, loop.encode())) : store.get(cid));
        UnixfsException e = assertThrows(UnixfsException.class, () -> ex.read(fake).readAllBytes());
        assertEquals(UnixfsException.Reason.LOOP, e.reason());
    }

    @Test
    void wrongTypesAreRefused() throws IOException {
        MemoryBlockstore store = store();
        Cid dir = put(store, PBNode.of(UnixfsData.directory().encode(), List.of()));
        Cid file = raw(store, new byte[3]);
        Exporter ex = new Exporter(store);
        assertEquals(UnixfsException.Reason.WRONG_TYPE, assertThrows(UnixfsException.class, () -> ex.read(dir)).reason());
        assertEquals(UnixfsException.Reason.WRONG_TYPE, assertThrows(UnixfsException.class, () -> ex.list(file, false)).reason());
        Cid dirUnderFile = put(store, PBNode.of(UnixfsData.file(null, 2, new long[] {2}).encode(), List.of(PBLink.of(dir, "", 2))));
        assertEquals(UnixfsException.Reason.WRONG_TYPE,
                assertThrows(UnixfsException.class, () -> ex.read(dirUnderFile).readAllBytes()).reason());
        Cid notUnixfs = put(store, PBNode.of(List.of()));
        assertEquals(UnixfsException.Reason.WRONG_TYPE, assertThrows(UnixfsException.class, () -> ex.stat(notUnixfs)).reason());
        assertThrows(BlockNotFoundException.class, () -> ex.stat(Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, new byte[9]))));
    }

    @Test
    void badShardsAreRefused() throws IOException {
        MemoryBlockstore store = store();
        Cid leaf = raw(store, new byte[1]);
        Exporter ex = new Exporter(store);
        Cid badFanout = put(store, PBNode.of(UnixfsData.hamtShard(new byte[] {1}, 100, 0x22).encode(), List.of(PBLink.of(leaf, "00a", 1))));
        Cid badHash = put(store, PBNode.of(UnixfsData.hamtShard(new byte[] {1}, 256, 0x12).encode(), List.of(PBLink.of(leaf, "00a", 1))));
        Cid badBits = put(store, PBNode.of(UnixfsData.hamtShard(new byte[] {3}, 256, 0x22).encode(), List.of(PBLink.of(leaf, "00a", 1))));
        Cid badPrefix = put(store, PBNode.of(UnixfsData.hamtShard(new byte[] {1}, 256, 0x22).encode(), List.of(PBLink.of(leaf, "01a", 1))));
        for (Cid c : List.of(badFanout, badHash, badBits, badPrefix)) {
            assertEquals(UnixfsException.Reason.BAD_HAMT, assertThrows(UnixfsException.class, () -> ex.list(c, false).next()).reason(), c.toString());
        }
    }
}
