package io.p2pkit.node.rpc;

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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Origins and secrets in front of the RPC API, as Kubo checks them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcAccessTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    private static HttpResponse<String> post(HttpClient client, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pagesFromOtherOriginsAreRefused() throws Exception {
        NodeConfig.ApiAccess access = new NodeConfig.ApiAccess(List.of("https://webui.example"), List.of());
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").api(NodeConfig.Http.api(ANY))
                .apiAccess(access).build()); HttpClient client = HttpClient.newHttpClient()) {
            String base = HttpAddress.url(node.apiAddress().orElseThrow());
            String id = base + "/api/v0/id";
            assertEquals(200, post(client, id).statusCode(), "no Origin: a program, not a page");
            HttpResponse<String> evil = post(client, id, "Origin", "https://evil.example");
            assertEquals(403, evil.statusCode());
            assertEquals("403 - Forbidden\n", evil.body());
            assertEquals(403, post(client, id, "Referer", "https://evil.example/page.html").statusCode());
            HttpResponse<String> allowed = post(client, id, "Origin", "https://webui.example");
            assertEquals(200, allowed.statusCode());
            assertEquals("https://webui.example", allowed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals(200, post(client, id, "Origin", base).statusCode(), "the API's own origin (its console)");
            int port = node.apiAddress().orElseThrow().getPort();
            assertEquals(403, post(client, id, "Origin", "http://rebound.example:" + port).statusCode(),
                    "a page whose name points at 127.0.0.1 (DNS rebinding) is not the API's own origin");
        }
    }

    private static HttpResponse<String> preflight(HttpClient client, String url, String origin, String method)
            throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theOperatorsHeadersGoOnEveryAnswerAndSetTheMethodsAndCredentialsPagesGet() throws Exception {
        NodeConfig.ApiAccess access = new NodeConfig.ApiAccess(List.of("https://webui.example"), List.of(),
                java.util.Map.of("x-served-by", List.of("p2pkit"), "Access-Control-Allow-Methods", List.of("PUT"),
                        "Access-Control-Allow-Credentials", List.of("true")));
        assertEquals(List.of("PUT"), access.allowedMethods());
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").api(NodeConfig.Http.api(ANY))
                .apiAccess(access).build()); HttpClient client = HttpClient.newHttpClient()) {
            String id = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/id";
            HttpResponse<String> plain = post(client, id);
            assertEquals(200, plain.statusCode());
            assertEquals(List.of("p2pkit"), plain.headers().allValues("X-Served-By"), "in Go's canonical form");
            assertTrue(plain.headers().firstValue("Access-Control-Allow-Methods").isEmpty(),
                    "a CORS setting, not a header of every answer");
            assertTrue(plain.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));

            HttpResponse<String> ok = preflight(client, id, "https://webui.example", "PUT");
            assertEquals(204, ok.statusCode());
            assertEquals("https://webui.example", ok.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("PUT", ok.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
            assertEquals("content-type", ok.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
            assertEquals("true", ok.headers().firstValue("Access-Control-Allow-Credentials").orElseThrow());
            HttpResponse<String> notAllowed = preflight(client, id, "https://webui.example", "DELETE");
            assertTrue(notAllowed.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                    "a method the settings leave out gets no CORS headers: the browser does not send it");
            HttpResponse<String> post = post(client, id, "Origin", "https://webui.example");
            assertEquals(200, post.statusCode(), "allowed to run: the origin is allowed");
            assertTrue(post.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                    "POST is not among the methods set, so the page may not read the answer");
            assertEquals(List.of("Origin"), post.headers().allValues("Vary"));

            HttpResponse<String> companion = post(client, id, "Origin", "chrome-extension://nibjojkomfdiaoajekhjakgkdhaomnch");
            assertEquals(200, companion.statusCode(), "IPFS Companion's origin, which Kubo always allows");
        }
        NodeConfig.ApiAccess defaults = new NodeConfig.ApiAccess(List.of("*"), List.of());
        assertEquals(List.of("POST"), defaults.allowedMethods());
        assertTrue(!defaults.allowCredentials() && defaults.responseHeaders().isEmpty());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new NodeConfig.ApiAccess(List.of(), List.of(), java.util.Map.of("X-A", List.of("1\r\nX-B: 2"))))
                .getMessage().contains("must be one line"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new NodeConfig.ApiAccess(List.of(), List.of(), java.util.Map.of("Access-Control-Allow-Origin",
                        List.of("*"))), "origins are given as allowedOrigins");
    }

    @Test
    void withAuthorizationsEveryRequestNeedsASecretThatOpensItsPath() throws Exception {
        NodeConfig.ApiAccess access = new NodeConfig.ApiAccess(List.of(), List.of(
                new NodeConfig.ApiAccess.Authorization("reader", "bearer:s3cret", List.of("/api/v0/id")),
                new NodeConfig.ApiAccess.Authorization("admin", "basic:alice:pa55", List.of("/api/v0")),
                new NodeConfig.ApiAccess.Authorization("bare", "bare", List.of("/api/v0/id")),
                new NodeConfig.ApiAccess.Authorization("encoded", "basic:" + Base64.getEncoder().encodeToString(
                        "bob:pw".getBytes(StandardCharsets.UTF_8)), List.of("/api/v0/id"))));
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").api(NodeConfig.Http.api(ANY))
                .apiAccess(access).build()); HttpClient client = HttpClient.newHttpClient()) {
            String base = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
            assertEquals(403, post(client, base + "id").statusCode(), "no secret");
            HttpResponse<String> wrong = post(client, base + "id", "Authorization", "Bearer wrong");
            assertEquals(403, wrong.statusCode());
            assertTrue(wrong.body().contains("RPC Access Denied"), wrong.body());
            assertEquals(200, post(client, base + "version", "Authorization", "Bearer s3cret").statusCode(),
                    "any valid secret may ask for the version, as in Kubo");
            assertEquals(403, post(client, base + "version", "Authorization", "Bearer wrong").statusCode());
            assertEquals(200, post(client, base + "id", "Authorization", "Bearer s3cret").statusCode());
            assertEquals(403, post(client, base + "swarm/peers", "Authorization", "Bearer s3cret").statusCode(),
                    "a path the reader's secret does not open");
            assertEquals(403, post(client, base + "identity", "Authorization", "Bearer s3cret").statusCode(),
                    "a prefix opens paths below it, not paths that merely start with its letters");
            String basic = "Basic " + Base64.getEncoder().encodeToString("alice:pa55".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, post(client, base + "swarm/peers", "Authorization", basic).statusCode());
            // Kubo's other forms: a bare token is a bearer token, basic:BASE64 is already encoded
            assertEquals(200, post(client, base + "id", "Authorization", "Bearer bare").statusCode());
            String bob = "Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, post(client, base + "id", "Authorization", bob).statusCode());
            assertTrue(access.authorizations().get(0).toString().contains("reader")
                    && !access.authorizations().get(0).toString().contains("s3cret"), "a secret is never printed");
        }
    }
}
