package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.ipfs.selector.SelectorWalk;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two p2pkit hosts on loopback exchanging DAGs over GraphSync. */
@Timeout(60)
class GraphSyncExchangeTest {
    private static final Duration IDLE = Duration.ofSeconds(10);

    private Host serverHost;
    private Host clientHost;
    private MemoryBlockstore serverStore;
    private MemoryBlockstore clientStore;

    @BeforeEach
    void hosts() throws IOException {
        serverHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        clientHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));
    }

    @AfterEach
    void close() {
        clientHost.close();
        serverHost.close();
    }

    @Test
    void fetchesAUnixfsFileWithExploreAllAndItsBytesMatch() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 77];
        new Random(19).nextBytes(data);
        Cid root = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(serverStore))
                .importStream(new ByteArrayInputStream(data), "").root();
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());

        GraphSync.Result r = client.request(serverHost.peerId(), root, Selector.exploreAll(), IDLE);

        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(serverStore.count(), r.blocks());
        assertEquals(List.of(), r.missing());
        try (InputStream in = new Exporter(clientStore).read(root)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertEquals(r.blocks(), server.stats().blocksSent());
        assertEquals(r.bytes(), server.stats().bytesSent());
        assertEquals(1, server.stats().requestsServed());
        assertEquals(0, client.stats().outsideSelection());
    }

    /** root → {"kids": [a, b]}, a → {"kid": c}; b, c → raw leaves. */
    private record Dag(Block root, Block a, Block b, Block c) {
        List<Block> all() {
            return List.of(root, a, b, c);
        }
    }

    private static Dag cborDag() {
        Codecs codecs = Codecs.standard();
        Block c = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "leaf c".getBytes(StandardCharsets.UTF_8));
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "leaf b".getBytes(StandardCharsets.UTF_8));
        Block a = codecs.encode(Multicodec.DAG_CBOR, MapNode.of("kid", Node.of(c.cid())));
        Block root = codecs.encode(Multicodec.DAG_CBOR, MapNode.of("kids", Node.list(Node.of(a.cid()), Node.of(b.cid()))));
        return new Dag(root, a, b, c);
    }

    @Test
    void aUnixfsPathSelectorFetchesTheNamedFileNotItsSiblings(@TempDir Path dir) throws Exception {
        Path top = dir.resolve("top");
        Files.createDirectories(top.resolve("docs"));
        Files.createDirectories(top.resolve("big"));
        Random random = new Random(43);
        byte[] wanted = null;
        for (String name : List.of("a.bin", "b.bin", "c.bin")) {
            byte[] data = new byte[600_000];
            random.nextBytes(data);
            Files.write(top.resolve("docs").resolve(name), data);
            wanted = wanted == null ? data : wanted;
        }
        for (int i = 0; i < 300; i++) {
            Files.writeString(top.resolve("big").resolve("f" + i), "file " + i);
        }
        Cid root = new Importer(ImportOptions.builder().hamtThreshold(1000).hamtFanout(16).build(), BlockSink.of(serverStore))
                .importPath(top).root();
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());

        GraphSync.Result r = client.request(serverHost.peerId(), root,
                Selector.unixfsPath(List.of("docs", "a.bin"), Selector.exploreAll()), IDLE);

        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(6, r.blocks(), "the root, docs/ and a.bin's four blocks");
        assertEquals(6, clientStore.count(), "nothing of b.bin, c.bin or big/ arrived");
        // counted once written, which may be after the requester has the batch
        io.p2pkit.testing.Await.until("6 blocks sent", () -> server.stats().blocksSent() == 6, Duration.ofSeconds(30));
        Exporter ex = new Exporter(clientStore);
        try (InputStream in = ex.read(ex.lookup(ex.lookup(root, "docs").orElseThrow(), "a.bin").orElseThrow())) {
            assertArrayEquals(wanted, in.readAllBytes());
        }

        GraphSync.Result hamt = client.request(serverHost.peerId(), root,
                Selector.unixfsPath(List.of("big", "f123"), Selector.exploreAll()), IDLE);
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, hamt.status());
        assertTrue(clientStore.count() <= 6 + 1 + 16, "big/'s root shard, the shards on f123's hash path and the file: "
                + clientStore.count() + " blocks held of " + serverStore.count());
        Cid big = ex.lookup(root, "big").orElseThrow();
        try (InputStream in = ex.read(ex.lookup(big, "f123").orElseThrow())) {
            assertEquals("file 123", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aDepthLimitedSelectorFetchesOnlyTheLevelsItReaches() throws Exception {
        Dag dag = cborDag();
        serverStore.putMany(dag.all());
        GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());

        // root (1), its "kids" list (2), the linked a and b (3); c is at 5
        GraphSync.Result r = client.request(serverHost.peerId(), dag.root().cid(), Selector.depthLimited(3), IDLE);

        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(3, r.blocks());
        assertTrue(clientStore.has(dag.a().cid().multihash()));
        assertTrue(clientStore.has(dag.b().cid().multihash()));
        assertFalse(clientStore.has(dag.c().cid().multihash()));
    }

    @Test
    void missingBlocksEndTheRequestPartial() throws Exception {
        Dag dag = cborDag();
        serverStore.putMany(List.of(dag.root(), dag.a(), dag.b()));
        GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());

        GraphSync.Result r = client.request(serverHost.peerId(), dag.root().cid(), Selector.exploreAll(), IDLE);

        assertEquals(ResponseStatus.REQUEST_COMPLETED_PARTIAL, r.status());
        assertEquals(List.of(dag.c().cid()), r.missing());
        assertEquals(3, r.blocks());
    }

    @Test
    void aMissingRootIsContentNotFound() throws Exception {
        GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());
        Cid absent = cborDag().root().cid();

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), absent, Selector.exploreAll(), IDLE));
        assertTrue(e.getMessage().contains("34"), e.getMessage());
    }

    @Test
    void aLeecherRefusesRequests() throws Exception {
        Dag dag = cborDag();
        serverStore.putMany(dag.all());
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults().withServe(false));
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), dag.root().cid(), Selector.exploreAll(), IDLE));
        assertTrue(e.getMessage().contains("30"), e.getMessage());
        assertEquals(1, server.stats().requestsRejected());
        assertEquals(0, clientStore.count());
    }

    @Test
    void theSameSelectorWalksTheSameBlocksOnBothSides() throws Exception {
        Dag dag = cborDag();
        serverStore.putMany(dag.all());
        GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());
        Selector onlyA = new Selector.ExploreFields(java.util.Map.of("kids", new Selector.ExploreIndex(0,
                new Selector.Matcher(Optional.empty()))));

        GraphSync.Result r = client.request(serverHost.peerId(), dag.root().cid(), onlyA, IDLE);

        assertEquals(2, r.blocks());
        SelectorWalk.Result local = new SelectorWalk(Codecs.standard(), SelectorWalk.Limits.DEFAULT)
                .walk(dag.root().cid(), onlyA, clientStore::get, SelectorWalk.Visitor.NONE);
        assertEquals(List.of(dag.root().cid(), dag.a().cid()), local.blocks());
    }
}
