package io.p2pkit.node.exchange;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.graphsync.GraphSync;
import io.p2pkit.ipfs.graphsync.ResponseStatus;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node with content runs GraphSync next to Bitswap (unless turned off): one node fetches a file from another with it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeGraphSyncTest {
    @Test
    void aNodeFetchesADagFromAnotherOverGraphSync(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        Repository.init(dir.resolve("c"), RepoConfig.defaults());
        byte[] data = new byte[700_000];
        new Random(3).nextBytes(data);
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("a"))).build());
             Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                     .content(NodeConfig.Content.of(dir.resolve("b"))).build());
             Node c = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                     .content(NodeConfig.Content.of(dir.resolve("c")).withGraphSync(false)).build())) {
            Cid root = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(a.content().orElseThrow().repository().blocks()))
                    .importStream(new ByteArrayInputStream(data), "").root();
            b.host().connect(new PeerInfo(a.peerId(), a.host().addresses()));
            GraphSync gs = b.content().orElseThrow().graphsync().orElseThrow();

            GraphSync.Result r = gs.request(a.peerId(), root, Selector.exploreAll(), Duration.ofSeconds(20));

            assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
            try (InputStream in = new Exporter(b.content().orElseThrow().repository().blocks().local()).read(root)) {
                assertArrayEquals(data, in.readAllBytes());
            }
            assertTrue(a.host().protocols().contains(GraphSync.PROTOCOL));
            assertFalse(c.host().protocols().contains(GraphSync.PROTOCOL));
            assertTrue(c.content().orElseThrow().graphsync().isEmpty());
        }
    }
}
