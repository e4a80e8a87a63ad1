package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code swarm/filters[/add|rm]}: the gater refuses filtered networks both ways at once, and the
 * repository's config keeps the list; {@code swarm/peering/add|ls|rm}: a peer is dialed when added
 * and redialed when its connection drops. Answers as Kubo 0.39's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcSwarmFiltersAndPeeringTest {
    @TempDir
    static Path dir;
    private static Node a;
    private static Node b;
    private static Node c;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").content(NodeConfig.Content.of(dir.resolve("a")))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build());
        c = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        Stream.of(a, b, c).forEach(Node::close);
        client.close();
    }

    private static HttpResponse<String> post(String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(a.apiAddress().orElseThrow()) + "/api/v0/"
                + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<String> configured() throws IOException {
        return Repository.readConfig(dir.resolve("a")).get("swarm.addrFilters");
    }

    @Test
    void filteredNetworksAreRefusedBothWaysAndKeptInTheConfig() throws Exception {
        assertEquals("{\"Strings\":null}\n", post("swarm/filters").body());
        assertEquals("{\"Strings\":[\"/ip4/127.0.0.0/ipcidr/8\",\"/ip4/10.1.2.3/ipcidr/8\"]}\n",
                post("swarm/filters/add?arg=/ip4/127.0.0.0/ipcidr/8&arg=/ip4/10.1.2.3/ipcidr/8&arg=/ip4/127.0.0.0/ipcidr/8").body(),
                "the masks given, each once, as written");
        assertEquals("{\"Strings\":[\"/ip4/127.0.0.0/ipcidr/8\",\"/ip4/10.0.0.0/ipcidr/8\"]}\n", post("swarm/filters").body(),
                "the running filters, in go-multiaddr's form");
        assertEquals("/ip4/127.0.0.0/ipcidr/8\n/ip4/10.0.0.0/ipcidr/8\n", post("swarm/filters?enc=text").body());
        assertEquals(Optional.of("/ip4/127.0.0.0/ipcidr/8, /ip4/10.1.2.3/ipcidr/8"), configured());

        assertThrows(IOException.class, () -> a.host().connect(b.addresses().getFirst()), "a does not dial 127/8");
        assertThrows(IOException.class, () -> b.host().connect(a.addresses().getFirst()), "nor accepts from it");
        assertTrue(a.host().network().connections(b.peerId()).isEmpty());

        assertEquals("{\"Strings\":[\"/ip4/127.0.0.0/ipcidr/8\"]}\n", post("swarm/filters/rm?arg=/ip4/127.0.0.0/ipcidr/8").body());
        assertEquals("{\"Strings\":[]}\n", post("swarm/filters/rm?arg=/ip4/11.0.0.0/ipcidr/8").body(), "not in the config");
        a.host().connect(b.addresses().getFirst()); // allowed again
        assertEquals(Optional.of("/ip4/10.1.2.3/ipcidr/8"), configured());
        assertEquals("{\"Strings\":[\"/ip4/10.1.2.3/ipcidr/8\"]}\n", post("swarm/filters/rm?arg=all").body(),
                "rm all answers what the config held");
        assertEquals("{\"Strings\":null}\n", post("swarm/filters").body());
        assertEquals(Optional.empty(), configured());

        for (String[] bad : new String[][]{{"/ip4/1.2.3.4", "invalid multiaddr-filter format"},
                {"bad", "invalid multiaddr-filter format"}, {"/ip4/10.0.0.0/ipcidr/33", "invalid CIDR address: 10.0.0.0/33"}}) {
            HttpResponse<String> r = post("swarm/filters/add?arg=" + bad[0]);
            assertEquals(500, r.statusCode());
            assertEquals("{\"Message\":\"" + bad[1] + "\",\"Code\":0,\"Type\":\"error\"}\n", r.body());
        }
        assertEquals(400, post("swarm/filters/add").statusCode(), "argument \"address\" is required");
    }

    @Test
    void aPeeringPeerIsDialedAndRedialedWhenItsConnectionDrops() throws Exception {
        String address = c.addresses().getFirst().toString();
        String transport = address.substring(0, address.indexOf("/p2p/"));
        HttpResponse<String> added = post("swarm/peering/add?arg=" + address);
        assertEquals("{\"ID\":\"" + c.peerId() + "\",\"Status\":\"success\"}\n", added.body());
        assertEquals("1", added.headers().firstValue("X-Chunked-Output").orElseThrow());
        Await.until("a dials c once it is added", () -> !a.host().network().connections(c.peerId()).isEmpty(),
                Duration.ofSeconds(10));
        assertEquals("{\"Peers\":[{\"ID\":\"" + c.peerId() + "\",\"Addrs\":[\"" + transport + "\"]}]}\n",
                post("swarm/peering/ls").body());
        assertEquals(c.peerId() + "\n\t" + transport + "\n", post("swarm/peering/ls?enc=text").body());

        // closed again while waiting: a dial of a's that was still being upgraded when c closed
        // what it had (a second connection) would otherwise stay open
        Await.until("c's connection to a closed", () -> {
            c.host().network().connections(a.peerId()).forEach(io.p2pkit.core.network.Connection::close);
            return a.host().network().connections(c.peerId()).isEmpty();
        }, Duration.ofSeconds(10));
        // the first redial waits 7.5 to 12.5 s (boxo's back-off from 5 s)
        Await.until("a redials c", () -> !a.host().network().connections(c.peerId()).isEmpty(), Duration.ofSeconds(40));

        assertEquals("remove " + c.peerId() + " success\n", post("swarm/peering/rm?enc=text&arg=" + c.peerId()).body());
        assertEquals("{\"Peers\":[]}\n", post("swarm/peering/ls").body());

        HttpResponse<String> noPeer = post("swarm/peering/add?arg=" + transport);
        assertEquals(500, noPeer.statusCode());
        assertEquals("{\"Message\":\"invalid p2p multiaddr\",\"Code\":0,\"Type\":\"error\"}\n", noPeer.body());
        assertTrue(post("swarm/peering/add?arg=bad").body().startsWith("{\"Message\":\"failed to parse multiaddr \\\"bad\\\": "));
        assertTrue(post("swarm/peering/rm?arg=bad").body().startsWith("{\"Message\":\"failed to parse peer ID: "));
        List<io.p2pkit.core.host.PeerInfo> none = a.peering().list();
        assertEquals(List.of(), none);
    }
}
