package io.p2pkit.interop;

import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.node.Node;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's own {@code ipfs swarm resources} (table and {@code --enc=json}) and the raw
 * {@code swarm/resources} answers, against a p2pkit daemon and a Kubo 0.39 daemon connected to
 * each other with a ping stream open between them, so that both have a peer and a protocol scope.
 * The limits and usage each daemon decides are compared by shape: the top-level scopes and their
 * order, each scope's field names in order, each value's kind; the table's header, its five
 * tab-terminated columns aligned on common tab stops, and each cell's kind. The usage both report
 * of their one connection and stream is checked to mirror each other. Kubo's CLI makes the table
 * from the JSON itself, so p2pkit's {@code enc=text} answer is checked against the table Kubo's
 * CLI makes of p2pkit's JSON.
 */
@InteropArea("RPC API: swarm resources against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SwarmResourcesKuboInteropTest {
    /** One comparison. */
    enum Step {
        JSON, TEXT, HTTP
    }

    private static final String PING = "/ipfs/ping/1.0.0";
    private static final List<String> LIMITS = List.of("Memory", "FD", "Conns", "ConnsInbound", "ConnsOutbound",
            "Streams", "StreamsInbound", "StreamsOutbound");
    /** The kinds of scope, in the order Kubo's table lists them. */
    private static final List<String> GROUPS = List.of("system", "transient", "svc", "proto", "peer");
    /** go-libp2p's words for limits that are not numbers. */
    private static final Set<String> LIMIT_WORDS = Set.of("unlimited", "blockAll", "default");

    @TempDir
    static Path dir;
    private static KuboBeside pair;

    @BeforeAll
    static void start() throws IOException {
        // a service named in the limits, as Kubo's configuration names libp2p's services: listed while idle
        ResourceManagerConfig defaults = ResourceManagerConfig.defaults();
        ResourceManagerConfig limits = defaults.toBuilder().service("p2pkit.test", defaults.serviceDefault()).build();
        pair = KuboBeside.start(dir, "none", b -> b.limits(limits));
        Node node = pair.node();
        node.host().connect(Multiaddr.parse(pair.kubo().address()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (pair != null) {
            pair.close();
        }
    }

    private static String kubo(String... args) throws IOException {
        return pair.kubo().cli().run(List.of(args));
    }

    private static String p2pkit(String... args) throws IOException {
        return pair.client().run(pair.withApi(List.of(args)));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Step.class)
    void kubosCliGetsKubosShapes(Step step) throws Exception {
        // a ping stream held open while both report: a protocol scope on both; one ping goes both
        // ways first so that Kubo has the stream (Kubo resets an idle ping stream after 10 s)
        try (Stream ping = pair.node().host().newStream(PeerId.parse(pair.kubo().peerId()), PING)) {
            byte[] payload = new byte[32];
            new java.util.Random(step.ordinal()).nextBytes(payload);
            ping.out().write(payload);
            ping.out().flush();
            assertArrayEquals(payload, ping.in().readNBytes(32), "Kubo echoes the ping");
            switch (step) {
                case JSON -> json();
                case TEXT -> text();
                case HTTP -> http();
            }
        }
    }

    private static Map<?, ?> report(String output) {
        return (Map<?, ?>) Json.parse(output.strip());
    }

    private void json() throws IOException {
        Map<?, ?> kubo = report(kubo("swarm", "resources", "--enc=json"));
        Map<?, ?> p2pkit = report(p2pkit("swarm", "resources", "--enc=json"));
        assertEquals(List.of("System", "Transient", "Services", "Protocols", "Peers"), new ArrayList<>(kubo.keySet()));
        assertEquals(new ArrayList<>(kubo.keySet()), new ArrayList<>(p2pkit.keySet()), "the same scopes in the same order");
        assertEquals(shape(kubo.get("System")), shape(p2pkit.get("System")));
        Object scopeShape = shape(kubo.get("System"));
        for (Map<?, ?> side : List.of(kubo, p2pkit)) {
            assertEquals(scopeShape, shape(side.get("Transient")));
            for (String group : List.of("Services", "Protocols", "Peers")) {
                for (Object scope : ((Map<?, ?>) side.get(group)).values()) {
                    assertEquals(scopeShape, shape(scope), group + ": " + scope);
                }
            }
        }

        // the one connection, p2pkit's outbound and Kubo's inbound, and the ping stream likewise
        Map<?, ?> kuboSeenByP2pkit = scope(p2pkit, "Peers", pair.kubo().peerId());
        Map<?, ?> p2pkitSeenByKubo = scope(kubo, "Peers", pair.node().peerId().toString());
        assertEquals(1L, kuboSeenByP2pkit.get("ConnsOutboundUsage"), kuboSeenByP2pkit::toString);
        assertEquals(1L, p2pkitSeenByKubo.get("ConnsInboundUsage"), p2pkitSeenByKubo::toString);
        assertTrue((Long) scope(p2pkit, "Protocols", PING).get("StreamsOutboundUsage") >= 1, p2pkit::toString);
        assertTrue((Long) scope(kubo, "Protocols", PING).get("StreamsInboundUsage") >= 1, kubo::toString);
        assertTrue(((Map<?, ?>) p2pkit.get("Services")).containsKey("p2pkit.test"), "a configured service while idle");
    }

    private static Map<?, ?> scope(Map<?, ?> report, String group, String name) {
        Map<?, ?> scope = (Map<?, ?>) ((Map<?, ?>) report.get(group)).get(name);
        assertTrue(scope != null, group + " has no " + name + ": " + report.get(group));
        return scope;
    }

    /**
     * A scope's shape: its field names in order, each with its kind: a usage is a number, a memory
     * limit a decimal string or one of go-libp2p's words, any other limit a number or a word.
     */
    private static Map<String, String> shape(Object scope) {
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<?, ?>) scope).forEach((k, v) -> out.put((String) k, kind((String) k, v)));
        return out;
    }

    private static String kind(String field, Object v) {
        if (field.endsWith("Usage")) {
            return v instanceof Long ? "usage" : "bad usage " + v;
        }
        if (v instanceof String s && LIMIT_WORDS.contains(s)) {
            return "limit";
        }
        if (field.equals("Memory")) {
            return v instanceof String s && s.matches("[1-9][0-9]*") ? "limit" : "bad memory limit " + v;
        }
        return v instanceof Long n && n > 0 ? "limit" : "bad limit " + v;
    }

    private void text() throws IOException {
        for (String side : List.of("kubo", "p2pkit")) {
            String table = side.equals("kubo") ? kubo("swarm", "resources") : p2pkit("swarm", "resources");
            List<String> lines = table.lines().toList();
            assertEquals(List.of("Scope", "Limit Name", "Limit Value", "Limit Usage Amount", "Limit Usage Percent"),
                    cells(lines.getFirst()), side);
            assertTrue(table.endsWith("\t\n"), side + ": every line ends in a tab");
            List<Integer> stops = stops(lines.getFirst());
            int group = 0;
            for (String line : lines.subList(1, lines.size())) {
                assertEquals(stops, stops(line), side + ": the columns of every line start at the same tab stops: " + line);
                List<String> c = cells(line);
                assertEquals(5, c.size(), side + ": " + line);
                assertTrue(c.get(0).matches("system|transient|(svc|proto|peer):.+"), side + ": " + line);
                assertTrue(LIMITS.contains(c.get(1)), side + ": " + line);
                assertTrue(c.get(2).matches("[1-9][0-9]*|blockAll"), side + ": no unlimited row: " + line);
                assertTrue(c.get(3).matches("0|[1-9][0-9]*"), side + ": " + line);
                assertTrue(c.get(4).matches(c.get(2).equals("blockAll") ? "n/a" : "0%|[0-9]+\\.[0-9]%"), side + ": " + line);
                int now = GROUPS.indexOf(c.get(0).replaceAll(":.*", ""));
                assertTrue(now >= group, side + ": system, transient, services, protocols, peers in that order: " + line);
                group = now;
            }
        }
        assertTrue(p2pkit("swarm", "resources").contains("\npeer:" + pair.kubo().peerId() + "\t"),
                "p2pkit's peer scopes have limits of their own, so they have rows (Kubo's say 'default' and have none)");
    }

    /** A line's cells: the text between runs of tabs. */
    private static List<String> cells(String line) {
        return List.of(line.split("\t+"));
    }

    /** Where each cell starts, with tabs every 8 columns, as a terminal shows it. */
    private static List<Integer> stops(String line) {
        List<Integer> out = new ArrayList<>();
        int column = 0;
        boolean inCell = false;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\t') {
                column = (column / 8 + 1) * 8;
                inCell = false;
            } else {
                if (!inCell) {
                    out.add(column);
                    inCell = true;
                }
                column++;
            }
        }
        return out;
    }

    private void http() throws Exception {
        String p2pkitUrl = HttpAddress.url(pair.node().apiAddress().orElseThrow());
        for (String query : List.of("", "?enc=text")) {
            HttpResponse<String> kubo = post(pair.kubo().apiUrl(), query);
            HttpResponse<String> p2pkit = post(p2pkitUrl, query);
            assertEquals(kubo.statusCode(), p2pkit.statusCode(), query);
            assertEquals(kubo.headers().firstValue("Content-Type"), p2pkit.headers().firstValue("Content-Type"), query);
            assertEquals(kubo.headers().firstValue("X-Chunked-Output"), p2pkit.headers().firstValue("X-Chunked-Output"), query);
            if (query.isEmpty()) {
                assertTrue(kubo.body().endsWith("}\n") && p2pkit.body().endsWith("}\n"), "one JSON object and a newline");
                assertEquals(new ArrayList<>(report(kubo.body()).keySet()), new ArrayList<>(report(p2pkit.body()).keySet()));
            } else {
                assertEquals(kubo.body().lines().findFirst().map(SwarmResourcesKuboInteropTest::cells),
                        p2pkit.body().lines().findFirst().map(SwarmResourcesKuboInteropTest::cells));
                // Kubo's CLI renders the table itself from the JSON: p2pkit's own table is that one
                assertEquals(rows(p2pkit("swarm", "resources")), rows(p2pkit.body()),
                        "p2pkit's enc=text is the table Kubo's CLI makes of its JSON");
            }
        }
    }

    /**
     * A table's rows without their usage (which may move between two calls), each with where its
     * cells start, sorted (Kubo's order within a group is Go's map order); the header first.
     */
    private static List<String> rows(String table) {
        List<String> lines = table.lines().toList();
        List<String> out = new ArrayList<>(lines.subList(1, lines.size()).stream()
                .map(l -> cells(l).subList(0, 3) + " at " + stops(l)).sorted().toList());
        out.addFirst(lines.getFirst());
        return out;
    }

    private static HttpResponse<String> post(String base, String query) throws Exception {
        return pair.http().send(HttpRequest.newBuilder(URI.create(base + "/api/v0/swarm/resources" + query))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
