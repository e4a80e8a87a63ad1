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
 * A mixed IPFS network on loopback: three p2pkit nodes, three Kubo 0.39 daemons and three Helia
 * 7.1.15 nodes (peers/helia/peer.mjs with {@code @libp2p/kad-dht} in server mode), joined into one
 * DHT (Kubo's LAN DHT, {@code /ipfs/lan/kad/1.0.0}, as every peer here has loopback addresses)
 * through the first p2pkit node. Each node adds a file of its own and announces it; every node then
 * fetches every other node's file knowing only its CID: providers come from the DHT, blocks over
 * Bitswap. p2pkit fetches with {@code Bitswap.fetchDag}, Kubo with {@code ipfs pin add}, Helia with
 * {@code helia.pins.add} (its Bitswap looks each wanted block up in the DHT) and then
 * {@code @helia/unixfs} cat.
 */
@InteropArea("Bitswap and the DHT in a mixed network with Kubo 0.39 and Helia 7.1.15")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class MixedIpfsNetworkTest {
    private static final int EACH = 3;
    private static final String LAN = "/ipfs/lan";
    /** A Helia command's deadline: longer than the peer's own (120 s), so its error is what is seen. */
    private static final Duration HELIA_STEP = Duration.ofSeconds(150);
    private static final List<Node> nodes = new ArrayList<>();
    private static final List<KuboDaemon> kubos = new ArrayList<>();
    private static final List<PeerProcess> helias = new ArrayList<>();
    private static final List<Cid> p2pkitFiles = new ArrayList<>();
    private static final List<Cid> kuboFiles = new ArrayList<>();
    private static final List<Cid> heliaFiles = new ArrayList<>();
    private static final List<byte[]> p2pkitBytes = new ArrayList<>();
    private static final List<byte[]> kuboBytes = new ArrayList<>();
    private static final List<byte[]> heliaBytes = new ArrayList<>();
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
        Path heliaPeer = Toolchains.requireHeliaPeer();
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
        for (int i = 0; i < EACH; i++) {
            PeerProcess h = PeerProcess.startProgram(Implementation.JS, List.of("node", heliaPeer.toString(), "--dht", LAN));
            helias.add(h);
            h.awaitEvent("ready", Duration.ofSeconds(60));
            byte[] data = content("helia", i);
            Path f = dir.resolve("helia-file-" + i);
            Files.write(f, data);
            heliaFiles.add(Cid.parse(heliaCommand(i, "{\"cmd\":\"add\",\"path\":\"" + f + "\"}", "added").string("cid")));
            heliaBytes.add(data);
            heliaCommand(i, "{\"cmd\":\"connect\",\"addr\":\"" + hub + "\"}", "connected");
        }
        // Kubo announced its files when it added them, before it had DHT peers: announce again now
        for (int i = 0; i < EACH; i++) {
            kubos.get(i).cli().runUntilSuccess(List.of("--timeout=20s", "routing", "provide", kuboFiles.get(i).toString()),
                    Duration.ofSeconds(90));
        }
        // Helia announces only when told to (the peer retries until its DHT has a peer)
        for (int i = 0; i < EACH; i++) {
            heliaCommand(i, "{\"cmd\":\"provide\",\"cid\":\"" + heliaFiles.get(i) + "\"}", "provided");
        }
    }

    private static PeerEvent heliaCommand(int who, String json, String answer) {
        PeerProcess h = helias.get(who);
        h.sendLine(json);
        return h.awaitEvent(answer, HELIA_STEP);
    }

    @AfterAll
    static void stop() throws IOException {
        for (Node n : nodes) {
            n.close();
        }
        for (KuboDaemon k : kubos) {
            k.close();
        }
        for (PeerProcess h : helias) {
            h.close();
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

    private static void heliaFetches(int who, Cid cid, byte[] expected) throws IOException {
        heliaCommand(who, "{\"cmd\":\"fetch\",\"cid\":\"" + cid + "\"}", "fetched");
        Path out = dir.resolve("helia-" + who + "-got-" + cid);
        heliaCommand(who, "{\"cmd\":\"cat\",\"cid\":\"" + cid + "\",\"out\":\"" + out + "\"}", "written");
        assertArrayEquals(expected, Files.readAllBytes(out), "Helia " + who + " fetching " + cid);
    }

    /** How one kind of node fetches a file and checks its bytes. */
    private interface Fetch {
        void fetch(int who, Cid cid, byte[] expected) throws Exception;
    }

    /** Every node of one kind fetches every file of another kind (of its own kind: every other node's). */
    private static void everyNodeFetches(Fetch fetch, List<Cid> files, List<byte[]> bytes, boolean sameKind) throws Exception {
        for (int who = 0; who < EACH; who++) {
            for (int i = 0; i < EACH; i++) {
                if (!sameKind || i != who) {
                    fetch.fetch(who, files.get(i), bytes.get(i));
                }
            }
        }
    }

    @Test
    void p2pkitNodesFetchWhatKuboAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::p2pkitFetches, kuboFiles, kuboBytes, false);
    }

    @Test
    void p2pkitNodesFetchWhatOtherP2pkitNodesAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::p2pkitFetches, p2pkitFiles, p2pkitBytes, true);
    }

    @Test
    void kuboFetchesWhatP2pkitAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::kuboFetches, p2pkitFiles, p2pkitBytes, false);
    }

    @Test
    void kuboFetchesWhatOtherKuboDaemonsAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::kuboFetches, kuboFiles, kuboBytes, true);
    }

    @Test
    void p2pkitNodesFetchWhatHeliaAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::p2pkitFetches, heliaFiles, heliaBytes, false);
    }

    @Test
    void kuboFetchesWhatHeliaAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::kuboFetches, heliaFiles, heliaBytes, false);
    }

    @Test
    void heliaFetchesWhatP2pkitAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::heliaFetches, p2pkitFiles, p2pkitBytes, false);
    }

    @Test
    void heliaFetchesWhatKuboAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::heliaFetches, kuboFiles, kuboBytes, false);
    }

    @Test
    void heliaFetchesWhatOtherHeliaNodesAdded() throws Exception {
        everyNodeFetches(MixedIpfsNetworkTest::heliaFetches, heliaFiles, heliaBytes, true);
    }
}
