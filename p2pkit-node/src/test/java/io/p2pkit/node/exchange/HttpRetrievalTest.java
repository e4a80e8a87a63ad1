package io.p2pkit.node.exchange;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.ipfs.bitswap.DagFetch;
import io.p2pkit.ipfs.bitswap.HttpRetrieval;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's HTTP retrieval: a node without a DHT learns from a delegated router that a provider has a
 * {@code /tls/http} address, probes it, and fetches a DAG from it with HEAD and GET
 * {@code /ipfs/{cid}?format=raw}; a server that lies, a host denied, a plain {@code /http} address
 * and an untrusted certificate are not used.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpRetrievalTest {
    private static final byte[] DATA = new byte[700_000];
    private static final Map<Multihash, byte[]> BLOCKS = new ConcurrentHashMap<>();
    private static final List<Cid> CIDS = new CopyOnWriteArrayList<>();
    private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
    private static final PeerId PROVIDER = PrivateKey.generate(KeyType.ED25519).publicKey().toPeerId();
    private static final TestCa CA = newCa();
    private static volatile boolean lying;
    /** What the probe path answers. */
    private static volatile int probeStatus = 200;
    private static Cid root;
    private static HttpsServer gateway;
    private static io.p2pkit.testing.ProviderRouter router;
    /** What the router answers for every CID: the provider's addresses. */
    private static volatile List<String> addresses;

    private static TestCa newCa() {
        try {
            return new TestCa("http retrieval test CA");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        new Random(7).nextBytes(DATA);
        root = new Importer(ImportOptions.builder().chunker("size-100000").build(), b -> {
            BLOCKS.put(b.cid().multihash(), b.data());
            CIDS.add(b.cid());
        }).importStream(new ByteArrayInputStream(DATA), "").root();
        gateway = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.setHttpsConfigurator(new HttpsConfigurator(CA.loopbackServerContext()));
        gateway.createContext("/ipfs/", HttpRetrievalTest::serveBlock);
        gateway.start();
        router = new io.p2pkit.testing.ProviderRouter(PROVIDER.toString(), () -> addresses);
    }

    @AfterAll
    static void stop() {
        gateway.stop(0);
        router.close();
    }

    /** A Trustless Gateway's block responses, from the map; the probe's empty identity block too. */
    private static void serveBlock(HttpExchange x) throws IOException {
        try (x) {
            String cid = x.getRequestURI().getPath().substring("/ipfs/".length());
            REQUESTS.add(x.getRequestMethod() + " " + x.getRequestURI() + " " + x.getRequestHeaders().getFirst("Accept"));
            if (cid.equals("bafkqaaa") && probeStatus != 200) {
                x.sendResponseHeaders(probeStatus, -1);
                return;
            }
            byte[] data = cid.equals("bafkqaaa") ? new byte[0] : BLOCKS.get(Cid.parse(cid).multihash());
            if (data == null || !"format=raw".equals(x.getRequestURI().getQuery())) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            if (lying && data.length > 0) {
                data = "not the block".getBytes(StandardCharsets.UTF_8);
            }
            x.getResponseHeaders().set("Content-Type", "application/vnd.ipld.raw");
            if (x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(200, -1);
                return;
            }
            x.sendResponseHeaders(200, data.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(data);
            }
        }
    }

    private static Node fetcher(Path dir, HttpRetrieval http) throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        URI routerUrl = router.url();
        return Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").delegatedRouters(List.of(routerUrl))
                .content(NodeConfig.Content.of(dir).withBitswap(BitswapConfig.defaults().withHttp(http))).build());
    }

    private static String tlsHttp() {
        return "/ip4/127.0.0.1/tcp/" + gateway.getAddress().getPort() + "/tls/http";
    }

    private static HttpRetrieval insecure() {
        return new HttpRetrieval(true, List.of(), List.of(), 4, Block.MAX_SIZE, true);
    }

    @Test
    void aDagIsFetchedFromAnHttpsProviderTheRouterNames(@TempDir Path dir) throws Exception {
        addresses = List.of("/ip4/127.0.0.1/udp/9/quic-v1", tlsHttp());
        lying = false;
        REQUESTS.clear();
        try (Node b = fetcher(dir, insecure())) {
            DagFetch.Result r = b.content().orElseThrow().bitswap().fetchDag(root, Codecs.standard(),
                    DagFetch.Progress.NONE, Duration.ofSeconds(30));
            assertEquals(BLOCKS.size(), r.blocks());
            for (Cid cid : CIDS) {
                assertArrayEquals(BLOCKS.get(cid.multihash()),
                        b.content().orElseThrow().repository().blocks().local().get(cid).orElseThrow().data());
            }
        }
        assertEquals("HEAD /ipfs/bafkqaaa?format=raw application/vnd.ipld.raw", REQUESTS.getFirst(), "the probe first");
        assertTrue(REQUESTS.contains("GET /ipfs/" + root + "?format=raw application/vnd.ipld.raw"), REQUESTS.toString());
    }

    /** Kubo's Bitswap.Libp2pEnabled false: no Bitswap protocol on the host, and HTTP providers still give blocks. */
    @Test
    void withoutBitswapOverLibp2pHttpProvidersStillServe(@TempDir Path dir) throws Exception {
        addresses = List.of(tlsHttp());
        lying = false;
        Repository.init(dir, RepoConfig.defaults());
        URI routerUrl = router.url();
        try (Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").delegatedRouters(List.of(routerUrl))
                .content(NodeConfig.Content.of(dir).withBitswap(BitswapConfig.defaults().withHttp(insecure())
                        .withLibp2p(false))).build())) {
            assertTrue(b.host().protocols().stream().noneMatch(p -> p.startsWith("/ipfs/bitswap")), "identify names none");
            assertArrayEquals(BLOCKS.get(root.multihash()),
                    b.content().orElseThrow().bitswap().fetch(root, Duration.ofSeconds(20)).orElseThrow());
        }
    }

    /** A server whose probe fails is not probed again by the next lookup that names it (a minute's cooldown). */
    @Test
    void aServerThatFailedTheProbeIsLeftAloneAWhile(@TempDir Path dir) throws Exception {
        addresses = List.of(tlsHttp());
        REQUESTS.clear();
        probeStatus = 500;
        try (Node b = fetcher(dir, insecure())) {
            // lookups at about 1 s and 6 s (the provider delay, then the rebroadcast interval)
            assertTrue(b.content().orElseThrow().bitswap().fetch(root, Duration.ofSeconds(8)).isEmpty());
        } finally {
            probeStatus = 200;
        }
        assertEquals(List.of("HEAD /ipfs/bafkqaaa?format=raw application/vnd.ipld.raw"), REQUESTS);
    }

    @Test
    void aServerWhoseBytesDoNotHashToTheCidIsNotBelieved(@TempDir Path dir) throws Exception {
        addresses = List.of(tlsHttp());
        lying = true;
        try (Node b = fetcher(dir, insecure())) {
            assertTrue(b.content().orElseThrow().bitswap().fetch(root, Duration.ofSeconds(4)).isEmpty());
            assertTrue(b.content().orElseThrow().bitswap().stats().malformedMessages() >= 1, "counted");
            assertTrue(b.content().orElseThrow().repository().blocks().local().get(root).isEmpty(),
                    "nothing stored");
        } finally {
            lying = false;
        }
    }

    @Test
    void aDeniedHostPlainHttpAndAnUntrustedCertificateAreNeverAsked(@TempDir Path dir) throws Exception {
        int port = gateway.getAddress().getPort();
        addresses = List.of(tlsHttp());
        REQUESTS.clear();
        try (Node b = fetcher(dir.resolve("denied"), new HttpRetrieval(true, List.of(), List.of("127.0.0.1"), 4,
                Block.MAX_SIZE, true))) {
            assertTrue(b.content().orElseThrow().bitswap().fetch(root, Duration.ofSeconds(3)).isEmpty());
        }
        assertEquals(List.of(), REQUESTS, "Denylist");
        addresses = List.of("/ip4/127.0.0.1/tcp/" + port + "/http");
        try (Node b = fetcher(dir.resolve("plain"), insecure())) {
            assertTrue(b.content().orElseThrow().bitswap().fetch(root, Duration.ofSeconds(3)).isEmpty());
        }
        assertEquals(List.of(), REQUESTS, "plain /http, as Kubo: never");
        addresses = List.of(tlsHttp());
        try (Node b = fetcher(dir.resolve("checked"), HttpRetrieval.DEFAULT)) {
            assertTrue(b.content().orElseThrow().bitswap().fetch(root, Duration.ofSeconds(3)).isEmpty());
        }
        assertEquals(List.of(), REQUESTS, "the test CA is trusted by nobody: the probe's handshake fails");
        assertThrows(IllegalArgumentException.class, () -> new HttpRetrieval(true, List.of(), List.of(), 0, 1, false));
    }
}
