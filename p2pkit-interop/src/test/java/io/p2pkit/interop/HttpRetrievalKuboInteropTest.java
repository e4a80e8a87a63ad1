package io.p2pkit.interop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.ipfs.bitswap.DagFetch;
import io.p2pkit.ipfs.bitswap.HttpRetrieval;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.LoopbackPorts;
import io.p2pkit.testing.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * p2pkit fetches a file's DAG from Kubo 0.39's Trustless Gateway over HTTP retrieval, as Kubo
 * fetches from HTTP providers: a delegated router names Kubo's peer ID with a {@code /tls/http}
 * address (a TLS front for Kubo's gateway, which serves plain HTTP), p2pkit probes it and asks
 * {@code HEAD}/{@code GET /ipfs/{cid}?format=raw}, and never opens a libp2p connection to Kubo.
 */
@InteropArea("HTTP retrieval from Kubo 0.39's Trustless Gateway")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpRetrievalKuboInteropTest {
    @Test
    void aFileIsFetchedFromKubosGatewayOverHttps(@TempDir Path dir) throws Exception {
        int gatewayPort = LoopbackPorts.free();
        try (KuboDaemon kubo = KuboDaemon.start(Toolchains.requireKubo(), List.of(List.of("config", "Routing.Type", "none"),
                List.of("config", "Addresses.Gateway", "/ip4/127.0.0.1/tcp/" + gatewayPort)))) {
            StringBuilder text = new StringBuilder();
            Random random = new Random(3);
            while (text.length() < 1_200_000) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            Path file = dir.resolve("file.txt");
            Files.writeString(file, text);
            String cid = kubo.cli().addQuiet(List.of(file.toString()));
            List<String> asked = new CopyOnWriteArrayList<>();
            HttpsServer front = tlsFront(gatewayPort, asked);
            String address = "/ip4/127.0.0.1/tcp/" + front.getAddress().getPort() + "/tls/http";
            io.p2pkit.testing.ProviderRouter router = new io.p2pkit.testing.ProviderRouter(kubo.peerId(),
                    () -> List.of(address));
            Path repo = dir.resolve("p2pkit-repo");
            Repository.init(repo, RepoConfig.defaults());
            try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .delegatedRouters(List.of(router.url()))
                    .content(NodeConfig.Content.of(repo).withBitswap(BitswapConfig.defaults().withHttp(
                            new HttpRetrieval(true, List.of(), List.of(), 16, Block.MAX_SIZE, true)))).build())) {
                DagFetch.Result r = node.content().orElseThrow().bitswap().fetchDag(Cid.parse(cid), Codecs.standard(),
                        DagFetch.Progress.NONE, Duration.ofSeconds(60));
                assertEquals(6, r.blocks(), "Kubo's 256 KiB chunks of 1.2 MB and the root");
                assertTrue(node.host().network().connection(PeerId.parse(kubo.peerId())).isEmpty(),
                        "HTTP only: no libp2p connection to Kubo");
            } finally {
                front.stop(0);
                router.close();
            }
            assertEquals("HEAD /ipfs/bafkqaaa?format=raw 200", asked.getFirst(), asked.toString());
            assertTrue(asked.contains("GET /ipfs/" + cid + "?format=raw 200"), asked.toString());
            assertEquals(text.toString(), P2pkitCli.ok("cat", cid, "--repo-dir", repo.toString()),
                    "the bytes Kubo added, read back from p2pkit's repository");
        }
    }

    /** An HTTPS front (a test CA's certificate) passing method, path, query and Accept on to Kubo's gateway. */
    private static HttpsServer tlsFront(int gatewayPort, List<String> asked) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpsServer front = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        front.setHttpsConfigurator(new HttpsConfigurator(new TestCa("http retrieval interop CA").loopbackServerContext()));
        front.createContext("/", x -> {
            try (x) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort
                        + x.getRequestURI())).timeout(Duration.ofSeconds(30))
                        .method(x.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
                String accept = x.getRequestHeaders().getFirst("Accept");
                if (accept != null) {
                    b.header("Accept", accept);
                }
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                asked.add(x.getRequestMethod() + " " + x.getRequestURI() + " " + r.statusCode());
                r.headers().firstValue("Content-Type").ifPresent(t -> x.getResponseHeaders().set("Content-Type", t));
                boolean head = x.getRequestMethod().equals("HEAD");
                x.sendResponseHeaders(r.statusCode(), head || r.body().length == 0 ? -1 : r.body().length);
                if (!head && r.body().length > 0) {
                    try (OutputStream out = x.getResponseBody()) {
                        out.write(r.body());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        });
        front.start();
        return front;
    }
}
