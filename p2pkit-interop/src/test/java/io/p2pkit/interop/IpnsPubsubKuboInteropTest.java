package io.p2pkit.interop;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.node.ipnsps.IpnsPubsub;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPNS over pubsub between a Kubo 0.39 daemon started with {@code --enable-namesys-pubsub} and a
 * p2pkit daemon with it on, connected, with no DHT on either side (Kubo's {@code Routing.Type none},
 * p2pkit without one): a name can only travel over pubsub (and go-libp2p-pubsub-router's
 * {@code /libp2p/fetch/0.0.1} for the side that subscribes late). A name published on either
 * resolves on the other, first by fetch and then, republished, over pubsub; {@code name pubsub
 * state|subs|cancel} through Kubo's {@code ipfs --api} give the same outputs and errors on both,
 * and the same errors on a second pair of daemons where IPNS over pubsub is off.
 */
@InteropArea("IPNS over pubsub against Kubo 0.39")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpnsPubsubKuboInteropTest {
    private static final String FIRST = "/ipfs/bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
    private static final String SECOND = "/ipfs/bafkreidqm3so3e2jssoqdysywd62phht6gvcanarzi7svjc3b3akwumn44";
    /** A valid name nobody publishes or subscribes to. */
    private static final String NOBODY = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    @TempDir
    static Path dir;
    private static KuboBeside on;
    private static KuboBeside off;
    private static String kuboName;
    private static String p2pkitName;

    @BeforeAll
    static void start() throws IOException {
        on = KuboBeside.start(dir.resolve("on"), KuboDaemon.start(Toolchains.requireKubo(),
                List.of(List.of("config", "Routing.Type", "none")), Map.of(), Map.of(), List.of("--enable-namesys-pubsub")),
                b -> b.ipnsPubsub(true));
        off = KuboBeside.start(dir.resolve("off"), "none", b -> b);
        String p2pkitAddress = on.node().addresses().getFirst().toString();
        on.kubo().cli().run(List.of("swarm", "connect", p2pkitAddress));
        PeerId kubo = PeerId.parse(on.kubo().peerId());
        Await.until("p2pkit and Kubo are pubsub peers", () -> on.node().pubsub().orElseThrow().peers().contains(kubo),
                Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (on != null) {
                on.close();
            }
        } finally {
            if (off != null) {
                off.close();
            }
        }
    }

    /** The name in {@code Published to <name>: <value>}. */
    private static String publishedName(String out) {
        String line = out.strip();
        assertTrue(line.startsWith("Published to "), line);
        return line.substring("Published to ".length(), line.indexOf(':'));
    }

    private static void awaitTopicPeer(String name) {
        PeerId kubo = PeerId.parse(on.kubo().peerId());
        String topic = IpnsPubsub.topic(PeerId.parse(name));
        Await.until("p2pkit sees Kubo on " + topic, () -> on.node().pubsub().orElseThrow().topicPeers(topic).contains(kubo),
                Duration.ofSeconds(30));
    }

    @Test
    @Order(1)
    void aNamePublishedByP2pkitResolvesInKuboByFetchThenOverPubsub() throws Exception {
        p2pkitName = publishedName(on.client().run(on.withApi(List.of("name", "publish", "--resolve=false", FIRST))));
        assertEquals(FIRST, on.kubo().cli().run(List.of("name", "resolve", "--dht-timeout=30s", "/ipns/" + p2pkitName)).strip(),
                "Kubo subscribes late and fetches the record from p2pkit");
        awaitTopicPeer(p2pkitName);
        assertEquals("Published to " + p2pkitName + ": " + SECOND,
                on.client().run(on.withApi(List.of("name", "publish", "--resolve=false", SECOND))).strip());
        Await.until("Kubo takes the new record from pubsub", () -> SECOND.equals(on.kubo().cli().outcome(
                List.of("name", "resolve", "--nocache", "--dht-timeout=5s", "/ipns/" + p2pkitName)).strip()),
                Duration.ofSeconds(30));
    }

    @Test
    @Order(2)
    void aNamePublishedByKuboResolvesInP2pkitByFetchThenOverPubsub() throws Exception {
        kuboName = publishedName(on.kubo().cli().run(List.of("name", "publish", "--resolve=false", FIRST)));
        assertEquals(FIRST, on.client().run(on.withApi(List.of("name", "resolve", "--dht-timeout=30s", "/ipns/" + kuboName))).strip(),
                "p2pkit subscribes late and fetches the record from Kubo");
        awaitTopicPeer(kuboName);
        // Kubo learns p2pkit's subscription on its own: its publication must find p2pkit on the topic
        String topic = IpnsPubsub.topic(PeerId.parse(kuboName));
        String p2pkit = on.node().peerId().toString();
        Await.until("Kubo sees p2pkit on " + topic,
                () -> on.kubo().cli().outcome(List.of("pubsub", "peers", topic)).lines().anyMatch(p2pkit::equals),
                Duration.ofSeconds(30));
        assertEquals("Published to " + kuboName + ": " + SECOND,
                on.kubo().cli().run(List.of("name", "publish", "--resolve=false", SECOND)).strip());
        Await.until("p2pkit takes the new record from pubsub", () -> SECOND.equals(on.client().outcome(on.api(),
                List.of("name", "resolve", "--nocache", "--dht-timeout=5s", "/ipns/" + kuboName)).strip()), Duration.ofSeconds(30));
    }

    @Test
    @Order(3)
    void stateSubsAndCancelGiveKubosOutputs() throws Exception {
        KuboCli kubo = on.kubo().cli();
        KuboCli client = on.client();
        String api = on.api();
        for (List<String> command : List.of(List.of("name", "pubsub", "state"), List.of("name", "pubsub", "state", "--enc=json"),
                List.of("name", "pubsub", "cancel", "foo"), List.of("name", "pubsub", "cancel", "QmFoo"),
                List.of("name", "pubsub", "cancel", "/ipns/" + NOBODY),
                List.of("name", "pubsub", "cancel", "--enc=json", NOBODY))) {
            assertEquals(kubo.outcome(command), client.outcome(api, command), "ipfs " + command);
        }
        assertEquals("enabled", client.outcome(api, List.of("name", "pubsub", "state")).strip());
        // each side published its name and resolved the other's: both hold the same two subscriptions
        List<String> both = List.of("/ipns/" + kuboName, "/ipns/" + p2pkitName).stream().sorted().toList();
        for (String base : List.of("base36", "base32", "b58mh")) {
            List<String> command = List.of("name", "pubsub", "subs", "--ipns-base=" + base);
            List<String> onKubo = kubo.run(command).lines().sorted().toList();
            assertEquals(onKubo, client.run(on.withApi(command)).lines().sorted().toList(), "ipfs " + command);
            assertEquals(2, onKubo.size(), onKubo.toString());
            if (base.equals("base36")) {
                assertEquals(both, onKubo);
            }
        }
        // each cancels its subscription to the other's name
        assertEquals("canceled", kubo.outcome(List.of("name", "pubsub", "cancel", "/ipns/" + p2pkitName)).strip());
        assertEquals("canceled", client.outcome(api, List.of("name", "pubsub", "cancel", "/ipns/" + kuboName)).strip());
        assertEquals(kubo.outcome(List.of("name", "pubsub", "cancel", "--enc=json", p2pkitName)),
                client.outcome(api, List.of("name", "pubsub", "cancel", "--enc=json", kuboName)));
        assertEquals(List.of("/ipns/" + kuboName), kubo.run(List.of("name", "pubsub", "subs")).lines().toList());
        assertEquals(List.of("/ipns/" + p2pkitName), client.run(on.withApi(List.of("name", "pubsub", "subs"))).lines().toList());
        assertEquals(kubo.run(List.of("name", "pubsub", "subs", "--enc=json")).replace(kuboName, "NAME"),
                client.run(on.withApi(List.of("name", "pubsub", "subs", "--enc=json"))).replace(p2pkitName, "NAME"));
    }

    @Test
    @Order(4)
    void withIpnsOverPubsubOffBothAnswerKubosErrors() throws Exception {
        KuboCli kubo = off.kubo().cli();
        for (List<String> command : List.of(List.of("name", "pubsub", "state"), List.of("name", "pubsub", "state", "--enc=json"),
                List.of("name", "pubsub", "subs"), List.of("name", "pubsub", "cancel", "foo"),
                List.of("name", "pubsub", "cancel", NOBODY))) {
            assertEquals(kubo.outcome(command), off.client().outcome(off.api(), command), "ipfs " + command);
        }
        assertEquals("Error: IPNS pubsub subsystem is not enabled", kubo.outcome(List.of("name", "pubsub", "subs")));
        for (String command : List.of("name/pubsub/subs", "name/pubsub/cancel?arg=" + NOBODY)) {
            HttpResponse<String> fromKubo = post(off.kubo().apiUrl(), command);
            HttpResponse<String> fromP2pkit = post(io.p2pkit.node.http.HttpAddress.url(off.node().apiAddress().orElseThrow()), command);
            assertEquals(fromKubo.statusCode(), fromP2pkit.statusCode(), command);
            assertEquals(fromKubo.body().strip(), fromP2pkit.body().strip(), command);
        }
    }

    private static HttpResponse<String> post(String base, String command) throws Exception {
        return off.http().send(HttpRequest.newBuilder(URI.create(base + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
