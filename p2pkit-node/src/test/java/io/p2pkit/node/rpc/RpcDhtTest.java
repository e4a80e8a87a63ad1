package io.p2pkit.node.rpc;

import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dht/query} streams the lookup's events and the closest peers as Kubo does, {@code stats/dht}
 * shows the routing table by bucket, the removed {@code dht/*} commands say so, and nodes without a
 * DHT or without peers answer Kubo's errors. Three DHT servers in a line: a - b - c.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcDhtTest {
    private static Node a;
    private static Node b;
    private static Node c;
    private static Node lonely;
    private static Node noDht;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        c = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER)).build());
        b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER)).build());
        a = Node.start(api().dht(NodeConfig.Dht.of(Mode.SERVER)).build());
        lonely = Node.start(api().dht(NodeConfig.Dht.of(Mode.SERVER)).build());
        noDht = Node.start(api().dht(Optional.empty()).build());
        b.host().connect(c.addresses().getFirst());
        a.host().connect(b.addresses().getFirst());
        Await.until("b knows c and a knows b", () -> b.dht().orElseThrow().routingTable().contains(c.peerId())
                && a.dht().orElseThrow().routingTable().contains(b.peerId()), Duration.ofSeconds(10));
        client = HttpClient.newHttpClient();
    }

    private static NodeConfig.Builder api() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").pubsub(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterAll
    static void stop() {
        Stream.of(noDht, lonely, a, b, c).forEach(Node::close);
        client.close();
    }

    private static HttpResponse<String> post(Node node, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/"
                + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Map<?, ?>> events(String body) {
        return body.lines().<Map<?, ?>>map(l -> (Map<?, ?>) io.p2pkit.testing.TinyJson.parse(l)).toList();
    }

    private static int type(Map<?, ?> event) {
        return ((Number) event.get("Type")).intValue();
    }

    @Test
    void aQueryStreamsItsRequestsAndEndsWithTheClosestPeers() throws Exception {
        HttpResponse<String> q = post(a, "dht/query?arg=" + c.peerId());
        assertEquals(200, q.statusCode(), q.body());
        assertEquals("1", q.headers().firstValue("X-Chunked-Output").orElseThrow());
        List<Map<?, ?>> events = events(q.body());
        assertTrue(q.body().startsWith("{\"Extra\":\"\",\"ID\":\"" + b.peerId() + "\",\"Responses\":null,\"Type\":0}\n"),
                "first, the request to b (SendingQuery), keys sorted as go-libp2p writes them: " + q.body());
        assertTrue(events.stream().anyMatch(e -> type(e) == 1 && e.get("ID").equals(b.peerId().toString())
                && e.get("Responses").toString().contains(c.peerId().toString())), "b's answer names c: " + q.body());
        List<Object> finals = events.stream().filter(e -> type(e) == 2).<Object>map(e -> e.get("ID")).toList();
        assertTrue(finals.contains(b.peerId().toString()) && finals.contains(c.peerId().toString()), q.body());
        int firstFinal = events.indexOf(events.stream().filter(e -> type(e) == 2).findFirst().orElseThrow());
        assertTrue(events.subList(firstFinal, events.size()).stream().allMatch(e -> type(e) == 2),
                "the closest peers come last");

        String text = post(a, "dht/query?enc=text&arg=" + c.peerId()).body();
        assertEquals(finals.stream().map(String::valueOf).sorted().toList(), text.lines().sorted().toList(),
                "the text is the closest peers, one a line");
        assertTrue(post(a, "dht/query?enc=text&verbose=true&arg=" + c.peerId()).body()
                .contains(": * querying " + b.peerId() + "\n"));
        HttpResponse<String> bad = post(a, "dht/query?arg=bad");
        assertEquals(400, bad.statusCode());
        assertEquals("{\"Message\":\"invalid peer ID\",\"Code\":1,\"Type\":\"error\"}\n", bad.body());
    }

    @Test
    void withoutPeersOrDhtTheAnswersAreKubos() throws Exception {
        HttpResponse<String> alone = post(lonely, "dht/query?arg=" + c.peerId());
        assertEquals(200, alone.statusCode());
        assertEquals("{\"Extra\":\"failed to find any peer in table\",\"ID\":\"\",\"Responses\":null,\"Type\":3}\n",
                alone.body(), "and the error in the trailer");
        for (String command : List.of("dht/query?arg=" + c.peerId(), "stats/dht")) {
            HttpResponse<String> none = post(noDht, command);
            assertEquals(500, none.statusCode());
            assertEquals("{\"Message\":\"routing service is not a DHT\",\"Code\":0,\"Type\":\"error\"}\n", none.body());
        }
        HttpResponse<String> removed = post(a, "dht/findprovs?arg=bafkqaaa");
        assertEquals(500, removed.statusCode());
        assertEquals("{\"Message\":\"removed, use 'ipfs routing' instead\",\"Code\":0,\"Type\":\"error\"}\n", removed.body());
        assertEquals("{\"Message\":\"removed, use 'ipfs dag' or 'ipfs files' instead\",\"Code\":0,\"Type\":\"error\"}\n",
                post(a, "object/stat?arg=bafkqaaa").body());
    }

    @Test
    void theRoutingTableIsShownByBucket() throws Exception {
        HttpResponse<String> stat = post(a, "stats/dht");
        List<Map<?, ?>> tables = events(stat.body());
        assertEquals(List.of("wan", "lan"), tables.stream().map(t -> t.get("Name")).toList());
        assertEquals(List.of(), tables.get(1).get("Buckets"));
        String wan = stat.body().lines().findFirst().orElseThrow();
        assertTrue(wan.contains("{\"ID\":\"" + b.peerId() + "\",\"Connected\":true,\"AgentVersion\":\"p2pkit/"), wan);
        List<?> buckets = (List<?>) tables.getFirst().get("Buckets");
        int cpl = a.dht().orElseThrow().routingTable().localKey().commonPrefixLength(io.p2pkit.kad.routing.KadKey.of(b.peerId()));
        assertEquals(a.dht().orElseThrow().routingTable().maxCommonPrefix() + 1, buckets.size());
        assertTrue(((Map<?, ?>) buckets.get(cpl)).get("Peers").toString().contains(b.peerId().toString()), "b in its bucket");

        String text = post(a, "stats/dht?enc=text&arg=wan").body();
        assertTrue(text.startsWith("DHT wan (" + a.dht().orElseThrow().routingTable().size() + " peers):"), text);
        assertTrue(text.contains("    Peer"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  @ " + b.peerId())), text);
        HttpResponse<String> unknown = post(a, "stats/dht?arg=moon");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("\"Message\":\"unknown dht type: moon\",\"Code\":1"), unknown.body());
    }
}
