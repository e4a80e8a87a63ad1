package io.p2pkit.node.rpc;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.node.ipnsps.IpnsPubsub;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code name/publish|resolve} over pubsub alone (no DHT, no delegated router) between two nodes,
 * and {@code name/pubsub/state|subs|cancel} with IPNS over pubsub on and off, in Kubo's shapes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcNamePubsubTest {
    private static final String CID = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
    private static Node a;
    private static Node b;
    private static Node off;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        a = Node.start(api().ipnsPubsub(true).build());
        b = Node.start(api().ipnsPubsub(true).build());
        off = Node.start(api().build());
        b.host().connect(a.addresses().getFirst());
        Await.until("pubsub peers", () -> b.pubsub().orElseThrow().peers().contains(a.peerId()), Duration.ofSeconds(20));
        client = HttpClient.newHttpClient();
    }

    private static NodeConfig.Builder api() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterAll
    static void stop() {
        Stream.of(a, b, off).forEach(Node::close);
        client.close();
    }

    private static HttpResponse<String> post(Node node, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/"
                + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Object ok(Node node, String command) throws Exception {
        HttpResponse<String> r = post(node, command);
        assertEquals(200, r.statusCode(), command + ": " + r.body());
        return TinyJson.parse(r.body().strip());
    }

    @Test
    void aNamePublishedOverPubsubResolvesOnAnotherNodeAndIsListedAndCancelled() throws Exception {
        String name = a.peerId().toString(Multibase.Encoding.BASE36);
        assertEquals(Map.of("Name", name, "Value", "/ipfs/" + CID), ok(a, "name/publish?arg=" + CID));
        assertEquals(Map.of("Path", "/ipfs/" + CID), ok(b, "name/resolve?arg=/ipns/" + name + "&dht-timeout=20s"));
        assertEquals(Map.of("Strings", List.of("/ipns/" + name)), ok(a, "name/pubsub/subs"), "a publishes: subscribed");
        assertEquals(Map.of("Strings", List.of("/ipns/" + a.peerId())), ok(b, "name/pubsub/subs?ipns-base=b58mh"));
        assertEquals(Map.of("Canceled", true), ok(b, "name/pubsub/cancel?arg=/ipns/" + name));
        assertEquals(Map.of("Canceled", false), ok(b, "name/pubsub/cancel?arg=" + a.peerId()));
        assertEquals("{\"Strings\":null}", post(b, "name/pubsub/subs").body().strip());
        assertTrue(!b.pubsub().orElseThrow().topics().contains(IpnsPubsub.topic(a.peerId())), "topic left");
    }

    @Test
    void stateAndKubosErrors() throws Exception {
        assertEquals(Map.of("Enabled", true), ok(a, "name/pubsub/state"));
        assertEquals(Map.of("Enabled", false), ok(off, "name/pubsub/state"));
        assertEquals("enabled\n", post(a, "name/pubsub/state?encoding=text").body());
        for (String command : List.of("name/pubsub/subs", "name/pubsub/cancel?arg=" + a.peerId())) {
            HttpResponse<String> r = post(off, command);
            assertEquals(400, r.statusCode(), command);
            assertEquals("{\"Message\":\"IPNS pubsub subsystem is not enabled\",\"Code\":1,\"Type\":\"error\"}",
                    r.body().strip(), command);
        }
        HttpResponse<String> notAName = post(a, "name/pubsub/cancel?arg=QmFoo");
        assertEquals(400, notAName.statusCode());
        assertEquals("not a valid IPNS name: failed to parse peer ID: length greater than remaining number of bytes in buffer",
                ((Map<?, ?>) TinyJson.parse(notAName.body())).get("Message"));
        assertEquals("not a valid IPNS name: failed to parse peer ID: invalid cid: encoding/hex: invalid byte: U+006F 'o'",
                ((Map<?, ?>) TinyJson.parse(post(a, "name/pubsub/cancel?arg=foo").body())).get("Message"));
        PeerId nobody = io.p2pkit.core.crypto.PrivateKey.generateEd25519().publicKey().toPeerId();
        assertEquals("no subscription\n", post(a, "name/pubsub/cancel?arg=" + nobody + "&encoding=text").body());
    }
}
