package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's {@code Routing.IgnoreProviders}: the provider records of the listed peers are ignored,
 * whether the DHT or a delegated router gives them. Each case beside a node without the list that
 * does find the provider, so the assertions show the list at work.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RpcIgnoredProvidersTest {
    @Test
    void aDelegatedRoutersProviderThatIsIgnoredIsNeverAsked(@TempDir Path dir) throws Exception {
        for (String r : List.of("a", "b", "c")) {
            Repository.init(dir.resolve(r), RepoConfig.defaults());
        }
        Block block = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "ignored".getBytes(StandardCharsets.UTF_8));
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve("a")))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build())) {
            a.content().orElseThrow().repository().blocks().put(block);
            a.dht().orElseThrow().provide(block.cid().multihash().bytes());
            URI router = URI.create(HttpAddress.url(a.gatewayAddress().orElseThrow()));
            // neither node is connected to A: only the router can name it
            try (Node ignoring = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .content(NodeConfig.Content.of(dir.resolve("b"))).delegatedRouters(List.of(router))
                    .ignoredProviders(Set.of(a.peerId())).build())) {
                assertEquals(Optional.empty(), ignoring.content().orElseThrow().bitswap().fetch(block.cid(),
                        Duration.ofSeconds(3)));
                assertFalse(ignoring.host().network().connection(a.peerId()).isPresent(), "A was never dialed");
            }
            try (Node plain = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .content(NodeConfig.Content.of(dir.resolve("c"))).delegatedRouters(List.of(router)).build())) {
                assertArrayEquals(block.data(), plain.content().orElseThrow().bitswap().fetch(block.cid(),
                        Duration.ofSeconds(20)).orElseThrow());
            }
        }
    }

    @Test
    void routingFindprovsLeavesTheIgnoredOut(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Block block = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "found".getBytes(StandardCharsets.UTF_8));
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve("a"))).build());
             HttpClient http = HttpClient.newHttpClient()) {
            a.content().orElseThrow().repository().blocks().put(block);
            a.dht().orElseThrow().provide(block.cid().multihash().bytes());
            PeerInfo atA = new PeerInfo(a.peerId(), a.host().addresses());
            try (Node ignoring = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .dht(NodeConfig.Dht.of(Mode.SERVER)).bootstrap(atA).ignoredProviders(Set.of(a.peerId()))
                    .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                    .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
                 Node plain = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                         .dht(NodeConfig.Dht.of(Mode.SERVER)).bootstrap(atA)
                         .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                         .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build())) {
                // both look providers up through A: wait until A is in both routing tables (identify done)
                io.p2pkit.testing.Await.until("A in both routing tables", () -> ignoring.dht().orElseThrow().routingTable()
                        .contains(a.peerId()) && plain.dht().orElseThrow().routingTable().contains(a.peerId()),
                        Duration.ofSeconds(20));
                String found = findprovs(http, plain, block);
                assertTrue(found.contains(a.peerId().toString()), found);
                String none = findprovs(http, ignoring, block);
                assertFalse(none.contains(a.peerId().toString()), none);
                // the gateway's Delegated Routing V1 API leaves them out too
                assertTrue(routingV1(http, plain, block).contains(a.peerId().toString()));
                String exposed = routingV1(http, ignoring, block);
                assertFalse(exposed.contains(a.peerId().toString()), exposed);
            }
        }
    }

    private static String routingV1(HttpClient http, Node node, Block block) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.gatewayAddress()
                .orElseThrow()) + "/routing/v1/providers/" + block.cid())).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 200 || r.statusCode() == 404, r.statusCode() + " " + r.body());
        return r.body();
    }

    private static String findprovs(HttpClient http, Node node, Block block) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow())
                + "/api/v0/routing/findprovs?arg=" + block.cid() + "&num-providers=1")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
