package io.p2pkit.node.rpc;

import io.p2pkit.core.host.Stream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.TinyJson;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code swarm/resources}: Kubo 0.39's shape of the resource manager's limits and usage, the
 * usage moving as a connection and a stream open and close, and Kubo's table with {@code enc=text}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcSwarmResourcesTest {
    private static final long MIB = 1 << 20;
    private static final List<String> FIELDS = List.of("Memory", "MemoryUsage", "FD", "FDUsage", "Conns", "ConnsUsage",
            "ConnsInbound", "ConnsInboundUsage", "ConnsOutbound", "ConnsOutboundUsage", "Streams", "StreamsUsage",
            "StreamsInbound", "StreamsInboundUsage", "StreamsOutbound", "StreamsOutboundUsage");
    private static final String PING = "/ipfs/ping/1.0.0";

    private static Node a;
    private static Node b;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        ResourceManagerConfig limits = ResourceManagerConfig.builder()
                .system(ResourceLimits.unlimited().with(Resource.MEMORY, 512 * MIB).with(Resource.FILE_DESCRIPTORS, 1000)
                        .with(Resource.INBOUND_CONNECTIONS, 100).with(Resource.OUTBOUND_CONNECTIONS, 300))
                .peerDefault(ResourceLimits.unlimited().with(Resource.OUTBOUND_CONNECTIONS, 8)
                        .with(Resource.OUTBOUND_STREAMS, 16))
                .service("test.service", ResourceLimits.unlimited().with(Resource.CONNECTIONS, 0)
                        .with(Resource.STREAMS, 64))
                .build();
        a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").limits(limits)
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        client.close();
    }

    private static String post(String command) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(a.apiAddress().orElseThrow())
                + "/api/v0/" + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** The answer, decoded (TinyJson reads every number as a double). */
    private static Map<?, ?> report() {
        try {
            return (Map<?, ?>) TinyJson.parse(post("swarm/resources").strip());
        } catch (Exception e) {
            throw new AssertionError("swarm/resources", e);
        }
    }

    private static Map<?, ?> scope(Map<?, ?> report, String group, String name) {
        Map<?, ?> g = (Map<?, ?>) report.get(group);
        return g == null ? null : (Map<?, ?>) g.get(name);
    }

    @Test
    void limitsAreKubosValuesAndStringsAndUsageMovesWithAConnectionAndAStream() throws Exception {
        Map<?, ?> before = report();
        assertEquals(List.of("System", "Transient", "Services"), new ArrayList<>(before.keySet()),
                "no peer or protocol holds anything yet; the configured service is listed");
        Map<?, ?> system = (Map<?, ?>) before.get("System");
        assertEquals(FIELDS, new ArrayList<>(system.keySet()));
        assertEquals(String.valueOf(512 * MIB), system.get("Memory"), "64-bit limits are strings, as go-libp2p writes them");
        assertEquals(1000.0, system.get("FD"));
        assertEquals("unlimited", system.get("Conns"));
        assertEquals(100.0, system.get("ConnsInbound"));
        assertEquals(300.0, system.get("ConnsOutbound"));
        assertEquals("unlimited", ((Map<?, ?>) before.get("Transient")).get("Memory"));
        Map<?, ?> service = scope(before, "Services", "test.service");
        assertEquals("blockAll", service.get("Conns"), "a limit of 0");
        assertEquals(64.0, service.get("Streams"));
        assertEquals(0.0, service.get("StreamsUsage"));
        double outBefore = (Double) system.get("ConnsOutboundUsage");

        a.host().connect(b.addresses().getFirst());
        Stream ping = a.host().newStream(b.peerId(), PING);
        try {
            Map<?, ?> during = report();
            Map<?, ?> peer = scope(during, "Peers", b.peerId().toString());
            assertEquals(FIELDS, new ArrayList<>(peer.keySet()));
            assertEquals(8.0, peer.get("ConnsOutbound"), "the peer scope's own limits");
            assertEquals(1.0, peer.get("ConnsOutboundUsage"));
            assertEquals(1.0, peer.get("ConnsUsage"));
            assertEquals(16.0, peer.get("StreamsOutbound"));
            assertTrue((Double) peer.get("StreamsOutboundUsage") >= 1, peer::toString);
            assertEquals(outBefore + 1, ((Map<?, ?>) during.get("System")).get("ConnsOutboundUsage"));
            Map<?, ?> protocol = scope(during, "Protocols", PING);
            assertTrue((Double) protocol.get("StreamsOutboundUsage") >= 1, protocol::toString);
            assertEquals((Double) protocol.get("StreamsInboundUsage") + (Double) protocol.get("StreamsOutboundUsage"),
                    protocol.get("StreamsUsage"), "the total is the sum of both directions");
        } finally {
            ping.close();
        }
        Await.until("the ping stream's scope is given back",
                () -> scope(report(), "Protocols", PING) == null, Duration.ofSeconds(10));

        a.host().network().connections(b.peerId()).forEach(Connection::close);
        Await.until("the peer's scope is given back", () -> scope(report(), "Peers", b.peerId().toString()) == null,
                Duration.ofSeconds(10));
        assertNull(report().get("Peers"), "an empty group is left out, as Go's omitempty does");
    }

    @Test
    void theTextIsKubosTableWithoutUnlimitedRows() throws Exception {
        List<String> lines = post("swarm/resources?enc=text").lines().toList();
        // the widest scope name here is svc:test.service (16): every column is 20 wide, 24 with tabs
        assertEquals("Scope\t\t\tLimit Name\t\tLimit Value\t\tLimit Usage Amount\tLimit Usage Percent\t", lines.getFirst());
        long memory = usage("System", "MemoryUsage");
        assertTrue(lines.stream().map(l -> List.of(l.split("\t+"))).toList().contains(
                List.of("system", "Memory", "536870912", Long.toString(memory), percent(memory, 512 * MIB))), lines::toString);
        assertTrue(lines.contains("system\t\t\tFD\t\t\t1000\t\t\t0\t\t\t0%\t\t\t"), lines::toString);
        assertTrue(lines.contains("svc:test.service\tConns\t\t\tblockAll\t\t0\t\t\tn/a\t\t\t"), lines::toString);
        assertTrue(lines.contains("svc:test.service\tStreams\t\t\t64\t\t\t0\t\t\t0%\t\t\t"), lines::toString);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("transient")), "transient has no limits here");
        assertFalse(lines.stream().anyMatch(l -> l.contains("unlimited")), lines::toString);
        assertEquals(1 + 4 + 2, lines.size(), "system's four limits and the service's two: " + lines);
    }

    private static long usage(String scope, String field) {
        return ((Double) ((Map<?, ?>) report().get(scope)).get(field)).longValue();
    }

    private static String percent(long usage, long limit) {
        return usage == 0 ? "0%" : SwarmResources.percent(usage, limit);
    }

    @Test
    void percentagesAreGosFormatFloatWithOneDecimal() {
        // each checked against Go's strconv.FormatFloat(…, 'f', 1, 64)
        assertEquals("12.5%", SwarmResources.percent(1, 8));
        assertEquals("0.0%", SwarmResources.percent(1, 10000));
        assertEquals("33.3%", SwarmResources.percent(1, 3));
        assertEquals("66.7%", SwarmResources.percent(2, 3));
        assertEquals("6.2%", SwarmResources.percent(1, 16), "a tie rounds to even");
        assertEquals("18.8%", SwarmResources.percent(3, 16));
        assertEquals("0.7%", SwarmResources.percent(7, 1000));
    }
}
