package io.p2pkit.node.http;

import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's HTTP servers: where they listen, their limits, their plain errors and their metrics. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpFaceTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private static Node start(NodeConfig.Http api, NodeConfig.Http gateway) throws Exception {
        return Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").api(api).gateway(gateway).build());
    }

    @Test
    void bothServersListenAndTheRpcServerServesTheMetrics() throws Exception {
        try (Node node = start(NodeConfig.Http.api(ANY_PORT), NodeConfig.Http.gateway(ANY_PORT));
             HttpClient client = HttpClient.newHttpClient()) {
            InetSocketAddress api = node.apiAddress().orElseThrow();
            InetSocketAddress gateway = node.gatewayAddress().orElseThrow();
            assertTrue(api.getPort() > 0 && gateway.getPort() > 0 && api.getPort() != gateway.getPort());

            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(gateway)
                    + "/nothing-here")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertFalse(missing.body().contains("<html"), missing.body());

            // the server counts a request once its response is complete, which can be just after the client has it
            String counted = "p2pkit_http_requests_total{server=\"gateway\",status=\"4xx\"} 1";
            java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> metrics =
                    new java.util.concurrent.atomic.AtomicReference<>();
            io.p2pkit.testing.Await.until("the 404 counted", () -> {
                try {
                    metrics.set(client.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(api)
                            + "/debug/metrics/prometheus")).build(), HttpResponse.BodyHandlers.ofString()));
                } catch (java.io.IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return metrics.get().body().contains(counted);
            }, java.time.Duration.ofSeconds(10));
            assertEquals(200, metrics.get().statusCode());
            assertTrue(metrics.get().body().contains(counted), metrics.get().body());
            assertTrue(metrics.get().body().contains("p2pkit_http_connections{server=\"rpc\"} 1"), metrics.get().body());
        }
    }

    @Test
    void headersAndBodiesOverTheLimitsAreRefusedInPlainText() throws Exception {
        try (Node node = start(NodeConfig.Http.api(ANY_PORT), NodeConfig.Http.gateway(ANY_PORT).withMaxBodyBytes(1000));
             HttpClient client = HttpClient.newHttpClient()) {
            String gateway = HttpAddress.url(node.gatewayAddress().orElseThrow());
            HttpResponse<String> big = client.send(HttpRequest.newBuilder(URI.create(gateway + "/x"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5000])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, big.statusCode(), big.body());
            assertTrue(big.body().startsWith("413 "), big.body());

            HttpResponse<String> headers = client.send(HttpRequest.newBuilder(URI.create(gateway + "/x"))
                    .header("X-Big", "y".repeat(20_000)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(431, headers.statusCode(), headers.body());
            assertFalse(headers.body().contains("Exception"), headers.body());
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
        try (Node node = start(NodeConfig.Http.api(ANY_PORT).withMaxConnections(2), NodeConfig.Http.gateway(ANY_PORT))) {
            InetSocketAddress api = node.apiAddress().orElseThrow();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket(api.getAddress(), api.getPort());
                    open.add(s);
                    s.setSoTimeout(10_000);
                    request(s, "keep-alive"); // answered, and the connection stays open
                    assertEquals("HTTP/1.1 200", statusLine(s));
                }
                // The third connects in the kernel's backlog but is not served while two are open.
                try (Socket third = new Socket(api.getAddress(), api.getPort())) {
                    third.setSoTimeout(500);
                    request(third, "close");
                    assertTrue(readsNothing(third.getInputStream()), "the third connection was served");
                    open.remove(0).close();
                    third.setSoTimeout(10_000);
                    assertEquals("HTTP/1.1 200", statusLine(third));
                }
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    private static void request(Socket s, String connection) throws java.io.IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET /debug/metrics/prometheus HTTP/1.1\r\nHost: x\r\nConnection: " + connection + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String statusLine(Socket s) throws java.io.IOException {
        return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }

    private static boolean readsNothing(InputStream in) throws java.io.IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return true;
        }
    }
}
