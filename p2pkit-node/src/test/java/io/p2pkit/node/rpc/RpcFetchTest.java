package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands on content the node does not hold fetch it over Bitswap first, as a Kubo node online,
 * and {@code bitswap/stat|ledger|wantlist} show it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcFetchTest {
    @Test
    void catPinAndDagExportFetchWhatIsElsewhere(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        byte[] data = new byte[1_500_000];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("data.bin");
        Files.write(file, data);
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("a"))).build())) {
            String cid = new Importer(ImportOptions.UNIXFS_V0_2015,
                    BlockSink.of(a.content().orElseThrow().repository().blocks())).importPath(file).root().toString();
            try (Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .bootstrap(new PeerInfo(a.peerId(), a.host().addresses()))
                    .content(NodeConfig.Content.of(dir.resolve("b")))
                    .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
                 HttpClient client = HttpClient.newHttpClient()) {
                io.p2pkit.testing.Await.until("B connected to A", () -> b.host().network().connection(a.peerId()).isPresent(),
                        java.time.Duration.ofSeconds(20));
                String api = HttpAddress.url(b.apiAddress().orElseThrow()) + "/api/v0/";
                HttpResponse<byte[]> cat = client.send(HttpRequest.newBuilder(URI.create(api + "cat?arg=" + cid))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, cat.statusCode());
                assertArrayEquals(data, cat.body());
                assertTrue(b.content().orElseThrow().repository().blocks().local()
                        .has(io.p2pkit.core.multiformats.Cid.parse(cid).multihash()), "the fetched blocks are kept");

                HttpResponse<String> stat = client.send(HttpRequest.newBuilder(URI.create(api + "bitswap/stat"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(stat.body().strip().matches(".*\"BlocksReceived\":[1-9].*") && stat.body().contains(a.peerId().toString()),
                        stat.body());
                HttpResponse<String> ledger = client.send(HttpRequest.newBuilder(URI.create(api + "bitswap/ledger?arg="
                        + a.peerId())).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(ledger.body().strip().matches(".*\"Recv\":[1-9][0-9]{5,}.*"), "over 1.5 MB received from A: " + ledger.body());
                HttpResponse<String> wants = client.send(HttpRequest.newBuilder(URI.create(api + "bitswap/wantlist"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("{\"Keys\":[]}", wants.body().strip(), "nothing wanted once everything came");

                HttpResponse<String> pin = client.send(HttpRequest.newBuilder(URI.create(api + "pin/add?arg=" + cid))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("{\"Pins\":[\"" + cid + "\"]}", pin.body().strip());
            }
        }
    }
}
