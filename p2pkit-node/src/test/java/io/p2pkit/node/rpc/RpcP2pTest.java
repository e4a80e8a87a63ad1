package io.p2pkit.node.rpc;

import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code p2p/*} over HTTP: Kubo 0.39's JSON, texts and errors (compared with Kubo's own in
 * {@code P2pKuboInteropTest}), and the refusal of a node without stream mounting.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcP2pTest {
    private static Node on;
    private static Node off;
    private static HttpClient client;
    private static ServerSocket target;

    @BeforeAll
    static void start() throws Exception {
        on = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").streamMounting(true)
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        off = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        client = HttpClient.newHttpClient();
        target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() throws Exception {
        on.close();
        off.close();
        client.close();
        target.close();
    }

    private static HttpResponse<String> post(Node node, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.apiAddress().orElseThrow())
                + "/api/v0/" + command)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(String message) {
        return "{\"Message\":\"" + message + "\",\"Code\":0,\"Type\":\"error\"}\n";
    }

    @Test
    void listenLsCloseAndTheirTexts() throws Exception {
        String t = "/ip4/127.0.0.1/tcp/" + target.getLocalPort();
        String self = "/p2p/" + on.peerId();
        assertEquals("{\"Listeners\":null}\n", post(on, "p2p/ls").body());
        HttpResponse<String> listened = post(on, "p2p/listen?arg=/x/one&arg=" + t);
        assertEquals(200, listened.statusCode());
        assertEquals("", listened.body());
        assertEquals(200, post(on, "p2p/listen?arg=/custom&arg=" + t + "&allow-custom-protocol=true").statusCode());
        assertEquals("{\"Listeners\":[{\"Protocol\":\"/x/one\",\"ListenAddress\":\"" + self + "\",\"TargetAddress\":\""
                + t + "\"},{\"Protocol\":\"/custom\",\"ListenAddress\":\"" + self + "\",\"TargetAddress\":\"" + t
                + "\"}]}\n", post(on, "p2p/ls").body());
        String pad = " ".repeat("/custom".length() - "/x/one".length());
        assertEquals("/x/one " + pad + self + " " + t + "\n/custom " + self + " " + t + "\n",
                post(on, "p2p/ls?encoding=text").body());
        assertEquals("Protocol Listen Address" + " ".repeat(self.length() - "Listen Address".length()) + " Target Address\n"
                        + "/x/one   " + self + " " + t + "\n",
                post(on, "p2p/ls?encoding=text&headers=true").body().lines().limit(2)
                        .map(l -> l + "\n").reduce("", String::concat), "Kubo's header, a row under it");
        assertEquals(error("listener already registered"), post(on, "p2p/listen?arg=/x/one&arg=" + t).body());
        assertEquals("0\n", post(on, "p2p/close?protocol=/x/none").body());
        assertEquals("Closed 1 stream(s)\n", post(on, "p2p/close?protocol=/x/one&encoding=text").body());
        assertEquals("1\n", post(on, "p2p/close?all=true").body());
        assertEquals("{\"Streams\":null}\n", post(on, "p2p/stream/ls").body());
    }

    @Test
    void kubosErrors() throws Exception {
        String t = "/ip4/127.0.0.1/tcp/" + target.getLocalPort();
        assertEquals(error("protocol name must be within '/x/' namespace"), post(on, "p2p/listen?arg=/y&arg=" + t).body());
        assertEquals(error("port can not be 0"), post(on, "p2p/listen?arg=/x/a&arg=/ip4/127.0.0.1/tcp/0").body());
        assertEquals(error("failed to parse multiaddr \\\"nope\\\": must begin with /"),
                post(on, "p2p/listen?arg=/x/a&arg=nope").body());
        assertEquals(error("invalid p2p multiaddr"),
                post(on, "p2p/forward?arg=/x/a&arg=/ip4/127.0.0.1/tcp/0&arg=/ip4/127.0.0.1/tcp/1").body());
        assertEquals(error("no matching options given"), post(on, "p2p/close").body());
        assertEquals(error("can't combine --all with other matching options"),
                post(on, "p2p/close?all=true&listen-address=/ip4/127.0.0.1/tcp/1").body());
        assertEquals(error("no id specified"), post(on, "p2p/stream/close").body());
        assertEquals(error("strconv.ParseUint: parsing \\\"x1\\\": invalid syntax"), post(on, "p2p/stream/close?arg=x1").body());
        assertEquals(error("strconv.ParseUint: parsing \\\"99999999999999999999\\\": value out of range"),
                post(on, "p2p/stream/close?arg=99999999999999999999").body());
        assertEquals(200, post(on, "p2p/stream/close?arg=18446744073709551615").statusCode());
        HttpResponse<String> refused = post(off, "p2p/ls");
        assertEquals(500, refused.statusCode());
        assertEquals(error("libp2p stream mounting not enabled"), refused.body());
    }
}
