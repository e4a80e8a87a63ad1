package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code name/publish|resolve} of a node without a DHT go through its delegated router
 * ({@code --routing-http}): the router's node holds the record, and a second publish follows the
 * router's sequence number.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcDelegatedNameTest {
    private static final String CID_1 = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba";
    private static final String CID_2 = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";

    @Test
    void aNodeWithoutADhtPublishesAndResolvesThroughItsRouter() throws Exception {
        try (Node router = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
             Node client = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                     .delegatedRouters(List.of(URI.create(HttpAddress.url(router.gatewayAddress().orElseThrow()))))
                     .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
             Node alone = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                     .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
             HttpClient http = HttpClient.newHttpClient()) {
            String name = client.peerId().toString(Multibase.Encoding.BASE36);
            HttpResponse<String> published = post(http, client, "name/publish?arg=" + CID_1);
            assertEquals(200, published.statusCode(), published.body());
            assertEquals("{\"Name\":\"" + name + "\",\"Value\":\"/ipfs/" + CID_1 + "\"}", published.body().strip());
            assertEquals("{\"Path\":\"/ipfs/" + CID_1 + "\"}", post(http, client, "name/resolve").body().strip());
            assertEquals("{\"Path\":\"/ipfs/" + CID_1 + "\"}", post(http, router, "name/resolve?arg=" + name).body().strip(),
                    "the router's node holds the record");

            // the second record must outrank the first at the router, so it takes the router's sequence + 1
            assertEquals(200, post(http, client, "name/publish?arg=/ipfs/" + CID_2).statusCode());
            // the router's node resolved the name a moment ago and keeps that for the record's TTL, as Kubo does
            assertEquals("{\"Path\":\"/ipfs/" + CID_2 + "\"}", post(http, router, "name/resolve?arg=" + name + "&nocache=true")
                    .body().strip());
            assertEquals("{\"Path\":\"/ipfs/" + CID_2 + "\"}", post(http, client, "name/resolve?arg=/ipns/" + name).body().strip());

            HttpResponse<String> unknown = post(http, client, "name/resolve?arg=" + router.peerId());
            assertEquals(500, unknown.statusCode());
            assertTrue(unknown.body().contains("was found at the delegated routers"), unknown.body());
            HttpResponse<String> none = post(http, alone, "name/resolve?arg=" + name);
            assertEquals(500, none.statusCode());
            assertTrue(none.body().contains("routing: operation or key not supported"), none.body());
        }
    }

    /**
     * Kubo's {@code Ipns.DelegatedPublishers}: records published here are PUT to the publisher, which
     * is asked nothing; {@code --allow-delegated} publishes to it alone, and needs one.
     */
    @Test
    void delegatedPublishersTakeTheRecordsAndAreAskedNothing() throws Exception {
        try (Node publisher = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
             HttpClient http = HttpClient.newHttpClient()) {
            // the URL of the IPNS API, as Kubo's AutoConf gives publishers
            URI ipnsApi = io.p2pkit.node.config.KuboConfig.publisherUrl(
                    HttpAddress.url(publisher.gatewayAddress().orElseThrow()) + "/routing/v1/ipns");
            try (Node client = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                         .delegatedPublishers(List.of(ipnsApi))
                         .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
                 Node withDht = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.CLIENT))
                         .delegatedPublishers(List.of(ipnsApi))
                         .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
                 Node without = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.CLIENT))
                         .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build())) {
                assertEquals(1, client.delegatedPublishers().size());
                assertTrue(client.delegatedRouters().isEmpty(), "a publisher is not a router");
                String name = client.peerId().toString(Multibase.Encoding.BASE36);
                HttpResponse<String> published = post(http, client, "name/publish?arg=" + CID_1);
                assertEquals(200, published.statusCode(), published.body());
                assertEquals("{\"Path\":\"/ipfs/" + CID_1 + "\"}", post(http, publisher, "name/resolve?arg=" + name)
                        .body().strip(), "the publisher's node holds the record");
                HttpResponse<String> asked = post(http, client, "name/resolve?arg=" + publisher.peerId());
                assertEquals(500, asked.statusCode(), "nothing is looked up at a publisher");
                assertTrue(asked.body().contains("routing: operation or key not supported"), asked.body());

                // a DHT with no peers takes nothing: --allow-delegated publishes to the publisher alone
                String other = withDht.peerId().toString(Multibase.Encoding.BASE36);
                HttpResponse<String> offline = post(http, withDht, "name/publish?arg=" + CID_1 + "&resolve=false");
                assertEquals(200, offline.statusCode(), "the publisher took it: " + offline.body());
                HttpResponse<String> delegated = post(http, withDht, "name/publish?arg=/ipfs/" + CID_2
                        + "&allow-delegated=true");
                assertEquals(200, delegated.statusCode(), delegated.body());
                assertEquals("{\"Path\":\"/ipfs/" + CID_2 + "\"}", post(http, publisher, "name/resolve?arg=" + other
                        + "&nocache=true").body().strip());
                HttpResponse<String> both = post(http, withDht, "name/publish?arg=" + CID_1
                        + "&allow-delegated=true&allow-offline=true");
                assertTrue(both.body().contains("cannot use both --allow-offline and --allow-delegated flags"), both.body());
                HttpResponse<String> none = post(http, without, "name/publish?arg=" + CID_1 + "&allow-delegated=true");
                assertEquals(500, none.statusCode());
                assertTrue(none.body().contains("no delegated publishers configured: add Ipns.DelegatedPublishers or use "
                        + "--allow-offline for local-only publishing"), none.body());
                HttpResponse<String> alone = post(http, without, "name/publish?arg=" + CID_1);
                assertTrue(alone.body().contains("pass `--allow-offline` to override or `--allow-delegated` if "
                        + "Ipns.DelegatedPublishers are set up"), alone.body());
            }
        }
    }

    private static HttpResponse<String> post(HttpClient http, Node node, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
