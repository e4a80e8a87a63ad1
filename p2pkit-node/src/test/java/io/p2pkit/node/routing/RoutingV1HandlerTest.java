package io.p2pkit.node.routing;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.Mode;
import io.p2pkit.kad.record.IpnsRecordSigner;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routing v1 API served from a node's DHT: node A provides a CID, node B (bootstrapped from A)
 * serves {@code /routing/v1/} on its gateway server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingV1HandlerTest {
    private static final Cid CONTENT = Cid.v1(0x55, Multihash.digest(0x12, "routing v1".getBytes(StandardCharsets.UTF_8)));
    private static Node a;
    private static Node b;
    private static String base;
    private static HttpClient client;

    private static NodeConfig.Builder local() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER));
    }

    @BeforeAll
    static void start() throws Exception {
        a = Node.start(local().build());
        b = Node.start(local().bootstrap(new PeerInfo(a.peerId(), a.host().addresses()))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
        Await.until("B knows A", () -> b.dht().orElseThrow().routingTable().size() >= 1, Duration.ofSeconds(20));
        a.dht().orElseThrow().provide(CONTENT.multihash().bytes());
        base = HttpAddress.url(b.gatewayAddress().orElseThrow()) + "/routing/v1/";
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        b.close();
        a.close();
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path));
        if (accept != null) {
            r.header("Accept", accept);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void providersComeFromTheDhtAsJsonAndNdjson() throws Exception {
        HttpResponse<String> json = get("providers/" + CONTENT, null);
        assertEquals(200, json.statusCode(), json.body());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Accept", json.headers().firstValue("Vary").orElseThrow());
        assertTrue(json.headers().firstValue("Cache-Control").orElseThrow().contains("max-age=300"));
        assertTrue(json.body().startsWith("{\"Providers\":[{\"Addrs\":[\"/ip4/127.0.0.1/tcp/"), json.body());
        assertTrue(json.body().contains("\"ID\":\"" + a.peerId() + "\""), json.body());
        assertTrue(json.body().contains("\"Schema\":\"peer\""), json.body());

        HttpResponse<String> ndjson = get("providers/" + CONTENT, "application/x-ndjson");
        assertEquals(200, ndjson.statusCode());
        assertEquals("application/x-ndjson", ndjson.headers().firstValue("Content-Type").orElseThrow());
        List<String> lines = ndjson.body().lines().toList();
        assertEquals(1, lines.size(), ndjson.body());
        assertTrue(lines.get(0).startsWith("{\"Addrs\":") && lines.get(0).contains(a.peerId().toString()));
    }

    @Test
    void filtersDropAddressesAndProviders() throws Exception {
        HttpResponse<String> noTcp = get("providers/" + CONTENT + "?filter-addrs=!tcp", null);
        assertEquals("{\"Providers\":[]}", noTcp.body(), "A has TCP addresses only");
        assertTrue(noTcp.headers().firstValue("Cache-Control").orElseThrow().contains("max-age=15"));
        HttpResponse<String> ip4 = get("providers/" + CONTENT + "?filter-addrs=ip4,webrtc-direct", null);
        assertTrue(ip4.body().contains(a.peerId().toString()), ip4.body());
        HttpResponse<String> http = get("providers/" + CONTENT + "?filter-protocols=transport-ipfs-gateway-http", null);
        assertEquals("{\"Providers\":[]}", http.body());
        HttpResponse<String> unknown = get("providers/" + CONTENT + "?filter-protocols=unknown", null);
        assertTrue(unknown.body().contains(a.peerId().toString()), "nothing is known of A's protocols on B: "
                + unknown.body());
    }

    @Test
    void nobodyProvidesAnUnknownCid() throws Exception {
        Cid other = Cid.v1(0x55, Multihash.digest(0x12, "nobody has this".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> r = get("providers/" + other, null);
        assertEquals(200, r.statusCode());
        assertEquals("{\"Providers\":[]}", r.body());
    }

    @Test
    void peersAreFoundWithTheirAddresses() throws Exception {
        HttpResponse<String> r = get("peers/" + a.peerId().toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36),
                null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"Peers\":[{\"Addrs\":[\"/ip4/127.0.0.1/tcp/"), r.body());
        assertTrue(r.body().contains("\"Protocols\":[]"), "A serves no Bitswap: " + r.body());
        HttpResponse<String> self = get("peers/" + b.peerId() + "?filter-protocols=transport-bitswap,unknown", null);
        assertTrue(self.body().contains(b.peerId().toString()), self.body());
    }

    @Test
    void closestPeersToAKey() throws Exception {
        HttpResponse<String> r = get("dht/closest/peers/" + CONTENT, null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains(a.peerId().toString()), r.body());
    }

    @Test
    void ipnsRecordsArePutAndGot() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId name = key.publicKey().toPeerId();
        byte[] record = IpnsRecordSigner.sign(key, "/ipfs/" + CONTENT, 1, Instant.now().plus(Duration.ofHours(1)),
                Duration.ofMinutes(5));
        String path = "ipns/" + name.toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36);

        HttpResponse<String> wrongType = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(record)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(406, wrongType.statusCode(), wrongType.body());

        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", RoutingV1Handler.IPNS_RECORD)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(record)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());

        HttpResponse<byte[]> got = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", RoutingV1Handler.IPNS_RECORD).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, got.statusCode());
        assertArrayEquals(record, got.body());
        assertEquals(RoutingV1Handler.IPNS_RECORD, got.headers().firstValue("Content-Type").orElseThrow());
        String cc = got.headers().firstValue("Cache-Control").orElseThrow();
        assertTrue(cc.startsWith("public, max-age=300, stale-while-revalidate="), cc);
        long stale = Long.parseLong(cc.substring(cc.indexOf("revalidate=") + 11, cc.indexOf(',', cc.indexOf("revalidate="))));
        assertTrue(stale <= 3600 - 300 && stale > 3000, "max-age and the stale window end by the record's end: " + cc);
        assertTrue(got.headers().firstValue("Etag").isPresent());
        assertTrue(got.headers().firstValue("Expires").isPresent());
        assertEquals(406, get(path, "application/json").statusCode(), "only the record's own type is offered");

        // A record signed by another key is refused for this name.
        byte[] forged = IpnsRecordSigner.sign(PrivateKey.generateEd25519(), "/ipfs/" + CONTENT, 2,
                Instant.now().plus(Duration.ofHours(1)), Duration.ofMinutes(5));
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", RoutingV1Handler.IPNS_RECORD)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(forged)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertFalse(refused.body().contains("Exception"), refused.body());
    }

    /** boxo's {@code setIPNSCacheControl} (Kubo 0.43): no cache keeps a record past its end. */
    @Test
    void anIpnsRecordIsCachedNoLongerThanItIsValid() {
        assertEquals("public, max-age=60, stale-while-revalidate=540, stale-if-error=540",
                RoutingV1Handler.ipnsCacheControl(60, 600));
        assertEquals("public, max-age=600, stale-while-revalidate=0, stale-if-error=0",
                RoutingV1Handler.ipnsCacheControl(3600, 600), "a TTL past the end is capped to it");
        assertEquals("public, max-age=0, stale-while-revalidate=600, stale-if-error=600",
                RoutingV1Handler.ipnsCacheControl(-5, 600), "a negative TTL is floored at zero");
        assertEquals("no-store", RoutingV1Handler.ipnsCacheControl(60, 0));
        assertEquals("no-store", RoutingV1Handler.ipnsCacheControl(60, -10));
    }

    @Test
    void badRequestsGetClearStatuses() throws Exception {
        assertEquals(422, get("providers/not-a-cid", null).statusCode());
        assertEquals(422, get("peers/not-a-peer", null).statusCode());
        assertEquals(400, get("ipns/not-a-name", RoutingV1Handler.IPNS_RECORD).statusCode());
        assertEquals(404, get("nothing/here", null).statusCode());
        assertEquals(422, get("providers/" + CONTENT + "?filter-addrs=" + "x,".repeat(100), null).statusCode());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "providers/" + CONTENT))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> missing = get("ipns/" + PrivateKey.generateEd25519().publicKey().toPeerId(),
                RoutingV1Handler.IPNS_RECORD);
        assertEquals(404, missing.statusCode(), missing.body());
    }
}
