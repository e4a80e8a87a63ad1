package io.p2pkit.interop;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.bitswap.DagFetch;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mixed IPFS network on loopback: three p2pkit nodes and three Kubo 0.39 daemons, joined into one
 * DHT (Kubo's LAN DHT, {@code /ipfs/lan/kad/1.0.0}, as every peer here has loopback addresses)
 * through the first p2pkit node. Each node adds a file of its own and announces it; every node then
 * fetches every other node's file knowing only its CID: providers come from the DHT, blocks over
 * Bitswap. p2pkit fetches with {@code Bitswap.fetchDag}, Kubo with {@code ipfs pin add}.
 */
@InteropArea("Bitswap and the DHT in a mixed network with Kubo 0.39")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MixedIpfsNetworkTest {
    private static final int EACH = 3;
    private static final String LAN = "/ipfs/lan";
    private static final List<Node> nodes = new ArrayList<>();
    private static final List<KuboDaemon> kubos = new ArrayList<>();
    private static final List<Cid> p2pkitFiles = new ArrayList<>();
    private static final List<Cid> kuboFiles = new ArrayList<>();
    private static final List<byte[]> p2pkitBytes = new ArrayList<>();
    private static final List<byte[]> kuboBytes = new ArrayList<>();
    @TempDir
    static Path dir;

    private static byte[] content(String who, int i) {
        byte[] b = new byte[300_000 + i];
        new Random(who.hashCode() * 31L + i).nextBytes(b);
        return b;
    }

    @BeforeAll
    static void start() throws Exception {
        Path kubo = Toolchains.requireKubo();
        for (int i = 0; i < EACH; i++) {
            Path root = dir.resolve("p2pkit-" + i);
            Repository.init(root, RepoConfig.parse("blockstore.syncWrites = false\n".getBytes(StandardCharsets.UTF_8)));
            byte[] data = content("p2pkit", i);
            try (Repository repo = Repository.open(root, OpenOptions.of(Codecs.standard()))) {
                p2pkitFiles.add(new Importer(ImportOptions.KUBO_0_39, BlockSink.of(repo.blocks()))
                        .importStream(new ByteArrayInputStream(data), "").root());
            }
            p2pkitBytes.add(data);
            NodeConfig.Builder b = NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .dht(NodeConfig.Dht.of(Mode.SERVER).withProtocolPrefix(LAN))
                    .content(NodeConfig.Content.of(root));
            if (!nodes.isEmpty()) {
                Node hub = nodes.get(0);
                b.bootstrap(List.of(new PeerInfo(hub.peerId(), hub.host().addresses())));
            }
            nodes.add(Node.start(b.build()));
        }
        String hub = nodes.get(0).addresses().get(0).toString();
        for (int i = 0; i < EACH; i++) {
            KuboDaemon k = KuboDaemon.start(kubo, "dht");
            kubos.add(k);
            byte[] data = content("kubo", i);
            Path f = dir.resolve("kubo-file-" + i);
            Files.write(f, data);
            kuboFiles.add(Cid.parse(k.cli().addQuiet(List.of("--progress=false", f.toString()))));
            kuboBytes.add(data);
            k.cli().run(List.of("swarm", "connect", hub));
        }
        // Kubo announced its files when it added them, before it had DHT peers: announce again now
        for (int i = 0; i < EACH; i++) {
            kubos.get(i).cli().runUntilSuccess(List.of("--timeout=20s", "routing", "provide", kuboFiles.get(i).toString()),
                    Duration.ofSeconds(90));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (Node n : nodes) {
            n.close();
        }
        for (KuboDaemon k : kubos) {
            k.close();
        }
    }

    private static void p2pkitFetches(int who, Cid cid, byte[] expected) throws Exception {
        Node n = nodes.get(who);
        var content = n.content().orElseThrow();
        DagFetch.Result r = content.bitswap().fetchDag(cid, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofSeconds(90));
        assertTrue(r.blocks() > 0);
        try (InputStream in = new Exporter(content.repository().blocks().local()).read(cid)) {
            assertArrayEquals(expected, in.readAllBytes(), "p2pkit node " + who + " fetching " + cid);
        }
    }

    private static void kuboFetches(int who, Cid cid, byte[] expected) throws Exception {
        KuboDaemon k = kubos.get(who);
        k.cli().runUntilSuccess(List.of("--timeout=60s", "pin", "add", "--progress=false", cid.toString()), Duration.ofSeconds(90));
        assertArrayEquals(expected, k.cli().runBytes(List.of("cat", cid.toString())), "Kubo " + who + " fetching " + cid);
    }

    @Test
    void p2pkitNodesFetchWhatKuboAdded() throws Exception {
        for (int who = 0; who < EACH; who++) {
            for (int i = 0; i < EACH; i++) {
                p2pkitFetches(who, kuboFiles.get(i), kuboBytes.get(i));
            }
        }
    }

    @Test
    void p2pkitNodesFetchWhatOtherP2pkitNodesAdded() throws Exception {
        for (int who = 0; who < EACH; who++) {
            for (int i = 0; i < EACH; i++) {
                if (i != who) {
                    p2pkitFetches(who, p2pkitFiles.get(i), p2pkitBytes.get(i));
                }
            }
        }
    }

    @Test
    void kuboFetchesWhatP2pkitAdded() throws Exception {
        for (int who = 0; who < EACH; who++) {
            for (int i = 0; i < EACH; i++) {
                kuboFetches(who, p2pkitFiles.get(i), p2pkitBytes.get(i));
            }
        }
    }

    @Test
    void kuboFetchesWhatOtherKuboDaemonsAdded() throws Exception {
        for (int who = 0; who < EACH; who++) {
            for (int i = 0; i < EACH; i++) {
                if (i != who) {
                    kuboFetches(who, kuboFiles.get(i), kuboBytes.get(i));
                }
            }
        }
    }
}
