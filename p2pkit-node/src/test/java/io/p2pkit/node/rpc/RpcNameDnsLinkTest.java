package io.p2pkit.node.rpc;

import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Dnsmasq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code name/resolve} of DNSLink names through a real dnsmasq, on a node without a DHT. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcNameDnsLinkTest {
    private static final String CID = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

    @Test
    void dnsLinkNamesAreResolvedStepByStepOrToTheEnd() throws Exception {
        Dnsmasq.required();
        try (Dnsmasq dns = Dnsmasq.start(List.of("--local=/#/", "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + CID + "/a",
                "--txt-record=_dnslink.chain.test,dnslink=/ipns/site.test/b"));
             HttpClient client = HttpClient.newHttpClient()) {
            NodeConfig.Transports t = NodeConfig.Transports.defaults();
            try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                    .transports(new NodeConfig.Transports(t.security(), t.muxers(), t.quic(), t.wssCertificate(),
                            t.wssKey(), t.wssTrustedCa(), Optional.of(dns.address())))
                    .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build())) {
                String api = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
                java.util.function.Function<String, HttpResponse<String>> post = command -> {
                    try {
                        return client.send(HttpRequest.newBuilder(URI.create(api + command))
                                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                assertEquals("{\"Path\":\"/ipfs/" + CID + "/a\"}\n", post.apply("name/resolve?arg=/ipns/site.test").body());
                assertEquals("{\"Path\":\"/ipfs/" + CID + "/a/b\"}\n", post.apply("name/resolve?arg=chain.test").body());
                assertEquals("{\"Path\":\"/ipns/site.test/b\"}\n",
                        post.apply("name/resolve?arg=chain.test&recursive=false").body());
                HttpResponse<String> missing = post.apply("name/resolve?arg=missing.test");
                assertEquals(500, missing.statusCode());
                assertTrue(missing.body().contains("no DNSLink record"), missing.body());
            }
        }
    }
}
