package io.p2pkit.interop;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.DagFetch;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.unixfs.exporter.DirEntries;
import io.p2pkit.ipfs.unixfs.exporter.DirEntry;
import io.p2pkit.ipfs.unixfs.exporter.EntryType;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bitswap against a Kubo 0.39 daemon over loopback, both ways, for each kind of content the issue
 * names: p2pkit fetches a DAG Kubo added (and its bytes export equal to the source), and Kubo
 * fetches a DAG p2pkit added ({@code ipfs pin add}, then {@code ipfs get} or {@code ipfs block get}
 * equal to the source). UnixFS roots are also checked to be the CIDs the other side computes for
 * the same files. Kubo runs with {@code Routing.Type none}: the peers find each other only by
 * being connected.
 */
@InteropArea("Bitswap against Kubo 0.39")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BitswapKuboInteropTest {
    /** The content of one case. */
    enum Content {
        ONE_BYTE_FILE, ONE_MIB_FILE, HUNDRED_MIB_FILE, THOUSAND_FILE_DIRECTORY, HAMT_DIRECTORY, DAG_CBOR
    }

    private static KuboDaemon kubo;
    private static BitswapSide side;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        side = BitswapSide.start(dir.resolve("p2pkit-repo"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (side != null) {
            side.close();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    @ParameterizedTest(name = "p2pkit fetches from Kubo: {0}")
    @EnumSource(Content.class)
    void p2pkitFetchesFromKubo(Content content) throws Exception {
        Path source = dir.resolve("from-kubo-" + content);
        Cid root;
        if (content == Content.DAG_CBOR) {
            root = kuboDagCbor(source);
        } else {
            make(content, source, 1000 + content.ordinal());
            root = Cid.parse(kubo.cli().addQuiet(List.of("-r", "--progress=false", source.toString())));
            assertEquals(root, new Importer(ImportOptions.KUBO_0_39, BlockSink.NONE).importPath(source).root(),
                    "p2pkit computes the CID Kubo gave");
        }
        side.host.connect(PeerInfo.fromMultiaddr(io.p2pkit.core.multiaddr.Multiaddr.parse(kubo.address())));

        DagFetch.Result r = side.bitswap.fetchDag(root, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofSeconds(60));

        assertTrue(r.fetched() > 0);
        if (content == Content.DAG_CBOR) {
            for (Cid c : List.of(root)) {
                assertArrayEquals(kubo.cli().runBytes(List.of("block", "get", c.toString())),
                        side.repo.blocks().local().get(c).orElseThrow().data());
            }
        } else {
            assertSameTree(new Exporter(side.repo.blocks().local()), root, source);
        }
        if (content == Content.HAMT_DIRECTORY) {
            assertTrue(new Exporter(side.repo.blocks().local()).stat(root).sharded(), "the directory is a HAMT");
        }
    }

    @ParameterizedTest(name = "Kubo fetches from p2pkit: {0}")
    @EnumSource(Content.class)
    void kuboFetchesFromP2pkit(Content content) throws Exception {
        Path source = dir.resolve("from-p2pkit-" + content);
        Cid root;
        Block cbor = null;
        if (content == Content.DAG_CBOR) {
            cbor = side.putCborDag();
            root = cbor.cid();
        } else {
            make(content, source, 2000 + content.ordinal());
            root = new Importer(ImportOptions.KUBO_0_39, BlockSink.of(side.repo.blocks())).importPath(source).root();
            assertEquals(root, Cid.parse(kubo.cli().addQuiet(List.of("-r", "--only-hash", source.toString()))),
                    "Kubo computes the CID p2pkit gave");
        }
        String p2pkit = side.address();
        kubo.cli().run(List.of("swarm", "connect", p2pkit));

        kubo.cli().run(List.of("--timeout=120s", "pin", "add", "--progress=false", root.toString()));

        if (content == Content.DAG_CBOR) {
            assertArrayEquals(cbor.data(), kubo.cli().runBytes(List.of("block", "get", root.toString())));
            assertEquals(4, kubo.cli().run(List.of("refs", "-r", "-u", root.toString())).strip().split("\n").length);
        } else {
            Path out = dir.resolve("kubo-got-" + content);
            kubo.cli().run(List.of("get", "-o", out.toString(), root.toString()));
            assertSameFiles(source, out);
        }
        assertTrue(side.bitswap.stats().blocksSent() > 0);
    }

    // ---- content

    static void make(Content content, Path target, long seed) throws IOException {
        Random random = new Random(seed);
        switch (content) {
            case ONE_BYTE_FILE -> Files.write(target, new byte[]{(byte) seed});
            case ONE_MIB_FILE -> write(target, random, 1 << 20);
            case HUNDRED_MIB_FILE -> write(target, random, 100L << 20);
            case THOUSAND_FILE_DIRECTORY -> {
                Files.createDirectories(target);
                for (int i = 0; i < 1000; i++) {
                    Path sub = Files.createDirectories(target.resolve("d" + (i % 10)));
                    write(sub.resolve("file-" + i + ".txt"), random, 100 + random.nextInt(3000));
                }
            }
            case HAMT_DIRECTORY -> {
                // 1,300 names of 200 characters: well past Kubo's 256 KiB estimate for sharding
                Files.createDirectories(target);
                String pad = "n".repeat(190);
                for (int i = 0; i < 1300; i++) {
                    write(target.resolve(pad + String.format("%06d", i)), random, 1 + random.nextInt(200));
                }
            }
            default -> throw new IllegalArgumentException(content.toString());
        }
    }

    private static void write(Path p, Random random, long size) throws IOException {
        byte[] buf = new byte[(int) Math.min(size, 1 << 20)];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long left = size; left > 0; left -= buf.length) {
                random.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(left, buf.length));
            }
        }
    }

    /** A dag-cbor DAG made by Kubo's {@code dag put}: a root linking to two children, which link to a raw block. */
    private static Cid kuboDagCbor(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path leaf = dir.resolve("leaf");
        Files.writeString(leaf, "a raw leaf from Kubo");
        String leafCid = kubo.cli().run(List.of("block", "put", "--cid-codec", "raw", leaf.toString())).strip();
        List<String> kids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path json = dir.resolve("child" + i + ".json");
            Files.writeString(json, "{\"index\":" + i + ",\"leaf\":{\"/\":\"" + leafCid + "\"}}");
            kids.add(kubo.cli().run(List.of("dag", "put", json.toString())).strip());
        }
        Path top = dir.resolve("root.json");
        Files.writeString(top, "{\"name\":\"kubo dag-cbor\",\"children\":[{\"/\":\"" + kids.get(0) + "\"},{\"/\":\""
                + kids.get(1) + "\"}]}");
        return Cid.parse(kubo.cli().run(List.of("dag", "put", top.toString())).strip());
    }

    // ---- comparison

    static void assertSameTree(Exporter exporter, Cid root, Path source) throws IOException {
        if (Files.isDirectory(source)) {
            DirEntries entries = exporter.list(root, true);
            int n = 0;
            for (DirEntry e; (e = entries.next()) != null; n++) {
                Path child = source.resolve(e.name());
                assertTrue(Files.exists(child), "no " + child);
                if (e.type() == EntryType.DIRECTORY) {
                    assertSameTree(exporter, e.cid(), child);
                } else {
                    assertSameTree(exporter, e.cid(), child);
                }
            }
            try (var s = Files.list(source)) {
                assertEquals(s.count(), n, "entries of " + source);
            }
            return;
        }
        try (InputStream got = exporter.read(root); InputStream want = Files.newInputStream(source)) {
            assertStreamsEqual(want, got, source.toString());
        }
    }

    static void assertSameFiles(Path want, Path got) throws IOException {
        if (Files.isDirectory(want)) {
            assertTrue(Files.isDirectory(got), got + " is not a directory");
            List<String> names;
            try (var s = Files.list(want)) {
                names = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
            try (var s = Files.list(got)) {
                assertEquals(names, s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            for (String name : names) {
                assertSameFiles(want.resolve(name), got.resolve(name));
            }
            return;
        }
        try (InputStream a = Files.newInputStream(want); InputStream b = Files.newInputStream(got)) {
            assertStreamsEqual(a, b, want.toString());
        }
    }

    private static void assertStreamsEqual(InputStream want, InputStream got, String what) throws IOException {
        byte[] x = new byte[1 << 16];
        byte[] y = new byte[1 << 16];
        long at = 0;
        while (true) {
            int n = want.readNBytes(x, 0, x.length);
            int m = got.readNBytes(y, 0, y.length);
            assertEquals(n, m, what + ": lengths differ after " + at + " bytes");
            if (n == 0) {
                return;
            }
            assertTrue(java.util.Arrays.equals(x, 0, n, y, 0, n), what + ": bytes differ in the block at " + at);
            at += n;
        }
    }
}
