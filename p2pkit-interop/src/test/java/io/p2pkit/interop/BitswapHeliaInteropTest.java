package io.p2pkit.interop;

import io.p2pkit.testing.Await;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.interop.BitswapKuboInteropTest.Content;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.DagFetch;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bitswap against a Helia node (helia 7.1.15, @helia/bitswap 4.0.19: peers/helia/peer.mjs) over
 * loopback, both ways, for the contents of {@link BitswapKuboInteropTest}: p2pkit fetches a DAG
 * Helia added (its bytes export equal to the source, its root the CID p2pkit's importer gives), and
 * Helia fetches a DAG p2pkit added (pinned, then written out equal to the source, or its blocks
 * compared). Helia runs with libp2p and Bitswap only: no DHT, no delegated routing, no gateways,
 * so blocks move only between the two connected peers.
 */
@InteropArea("Bitswap against Helia")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BitswapHeliaInteropTest {
    /** A peer command's deadline: longer than the peer's own (120 s), so its error is what is seen. */
    private static final Duration STEP = Duration.ofSeconds(150);

    private static PeerProcess helia;
    private static String heliaAddress;
    private static BitswapSide side;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        Path script = Toolchains.requireHeliaPeer();
        helia = PeerProcess.startProgram(Implementation.JS, List.of("node", script.toString()));
        heliaAddress = helia.awaitEvent("ready", Duration.ofSeconds(60)).strings("addrs").get(0);
        side = BitswapSide.start(dir.resolve("p2pkit-repo"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (side != null) {
            side.close();
        }
        if (helia != null) {
            helia.close();
        }
    }

    @ParameterizedTest(name = "p2pkit fetches from Helia: {0}")
    @EnumSource(Content.class)
    void p2pkitFetchesFromHelia(Content content) throws Exception {
        Path source = dir.resolve("from-helia-" + content);
        Cid root;
        List<String> cborBlocks = List.of();
        if (content == Content.DAG_CBOR) {
            PeerEvent dag = command("{\"cmd\":\"dagput\"}", "dag");
            root = Cid.parse(dag.string("cid"));
            cborBlocks = dag.strings("blocks");
        } else {
            BitswapKuboInteropTest.make(content, source, 3000 + content.ordinal());
            root = Cid.parse(command("{\"cmd\":\"add\",\"path\":" + quote(source) + "}", "added").string("cid"));
            assertEquals(root, new Importer(ImportOptions.KUBO_0_39, BlockSink.NONE).importPath(source).root(),
                    "p2pkit computes the CID Helia gave");
        }
        side.host.connect(PeerInfo.parse(heliaAddress));

        DagFetch.Result r = side.bitswap.fetchDag(root, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofSeconds(60));

        assertEquals(r.blocks(), r.fetched(), "every block came from Helia");
        if (content == Content.DAG_CBOR) {
            assertEquals(4, r.blocks(), "root, two children, one raw leaf");
            for (String c : cborBlocks) {
                byte[] theirs = Base64.getDecoder().decode(command("{\"cmd\":\"block\",\"cid\":\"" + c + "\"}", "block").string("data"));
                assertArrayEquals(theirs, side.repo.blocks().local().get(Cid.parse(c)).orElseThrow().data(), c);
            }
        } else {
            BitswapKuboInteropTest.assertSameTree(new Exporter(side.repo.blocks().local()), root, source);
        }
        if (content == Content.HAMT_DIRECTORY) {
            assertTrue(new Exporter(side.repo.blocks().local()).stat(root).sharded(), "the directory is a HAMT");
        }
    }

    @ParameterizedTest(name = "Helia fetches from p2pkit: {0}")
    @EnumSource(Content.class)
    void heliaFetchesFromP2pkit(Content content) throws Exception {
        Path source = dir.resolve("from-p2pkit-" + content);
        Cid root;
        Block cbor = null;
        if (content == Content.DAG_CBOR) {
            cbor = side.putCborDag();
            root = cbor.cid();
        } else {
            // seeds apart from the other side's: Helia must not hold any of it already (the 1 B
            // file is one byte, (byte) 5000, which no 1 B file of the other side's HAMT holds)
            BitswapKuboInteropTest.make(content, source, 5000 + content.ordinal());
            root = new Importer(ImportOptions.KUBO_0_39, BlockSink.of(side.repo.blocks())).importPath(source).root();
        }
        String p2pkit = side.address();
        command("{\"cmd\":\"connect\",\"addr\":\"" + p2pkit + "\"}", "connected");
        long sentBefore = side.bitswap.stats().blocksSent();

        PeerEvent fetched = command("{\"cmd\":\"fetch\",\"cid\":\"" + root + "\"}", "fetched");

        assertFalse(fetched.bool("had"), "Helia had the root before fetching it");
        long blocks = fetched.number("blocks").longValue();

        // p2pkit counts a block once its write returns, which may be just after Helia has it
        Await.until("p2pkit to have sent every block Helia pinned (" + blocks + ")",
                () -> side.bitswap.stats().blocksSent() - sentBefore >= blocks, Duration.ofSeconds(10));
        if (content == Content.DAG_CBOR) {
            assertEquals(5, blocks, "root, three children, one raw leaf");
            assertArrayEquals(cbor.data(),
                    Base64.getDecoder().decode(command("{\"cmd\":\"block\",\"cid\":\"" + root + "\"}", "block").string("data")));
        } else {
            Path out = dir.resolve("helia-got-" + content);
            String what = Files.isDirectory(source) ? "get" : "cat";
            command("{\"cmd\":\"" + what + "\",\"cid\":\"" + root + "\",\"out\":" + quote(out) + "}", "written");
            BitswapKuboInteropTest.assertSameFiles(source, out);
        }
    }

    private static PeerEvent command(String json, String answer) {
        helia.sendLine(json);
        return helia.awaitEvent(answer, STEP);
    }

    /** A path as a JSON string. */
    private static String quote(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
