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

    private static HttpResponse<String> post(HttpClient http, Node node, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
