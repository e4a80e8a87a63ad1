package io.p2pkit.node.rpc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.node.config.KuboConfig;
import io.p2pkit.node.config.PinningServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Pinning Services API client's requests (checked as a loopback server receives them), its
 * paging, its bounds and its errors (Kubo's texts); the service entries of the config file.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PinningServiceClientTest {
    private static final String CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

    /** One request as the server saw it. */
    private record Seen(String method, String uri, String authorization, String userAgent, String body) {
    }

    /** An answer: status, content type, body. */
    private record Answer(int status, String type, String body) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json; charset=utf-8", body);
        }
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private PinningServiceClient serve(Function<Seen, Answer> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", (HttpExchange x) -> {
            Seen s = new Seen(x.getRequestMethod(), x.getRequestURI().toString(),
                    x.getRequestHeaders().getFirst("Authorization"), x.getRequestHeaders().getFirst("User-Agent"),
                    new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            seen.add(s);
            Answer a = answers.apply(s);
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", a.type());
            x.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new PinningServiceClient("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1", "sekrit",
                Duration.ofSeconds(5));
    }

    private static String pinStatus(String id, String status, String created, String name) {
        return "{\"requestid\":\"" + id + "\",\"status\":\"" + status + "\",\"created\":\"" + created
                + "\",\"pin\":{\"cid\":\"" + CID + "\",\"name\":\"" + name + "\"},\"delegates\":"
                + "[\"/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5\",\"not an address\"]}";
    }

    @Test
    void addPostsThePinWithItsNameAndOriginsAndTheBearerKey() throws Exception {
        PinningServiceClient client = serve(s -> Answer.json(202, pinStatus("r1", "queued", "2024-01-01T00:00:00Z", "n")));
        PinningServiceClient.RemotePin pin = client.add(CID, "n", List.of("/ip4/127.0.0.1/tcp/1/p2p/x"));
        Seen s = seen.get(0);
        assertEquals("POST", s.method());
        assertEquals("/api/v1/pins", s.uri());
        assertEquals("Bearer sekrit", s.authorization());
        assertEquals("go-pinning-service-http-client", s.userAgent());
        assertEquals(Map.of("cid", CID, "name", "n", "origins", List.of("/ip4/127.0.0.1/tcp/1/p2p/x")),
                KuboConfig.parseJson(s.body()));
        assertEquals(new PinningServiceClient.RemotePin("r1", "queued", CID, "n", "2024-01-01T00:00:00Z",
                List.of("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5")), pin,
                "a delegate that is not a multiaddr is left out, as Kubo's client does");

        client.add(CID, "", List.of());
        assertEquals(Map.of("cid", CID), KuboConfig.parseJson(seen.get(1).body()), "no empty name, no empty origins");
    }

    @Test
    void statusAndDeleteGoToTheRequestIdEscaped() throws Exception {
        PinningServiceClient client = serve(s -> s.method().equals("DELETE") ? Answer.json(202, "")
                : Answer.json(200, pinStatus("a b/c", "weird", "2024-01-01T00:00:00Z", "")));
        assertEquals("", client.status("a b/c").status(), "an unknown status is Kubo's empty one");
        client.delete("a b/c");
        assertEquals("/api/v1/pins/a%20b%2Fc", seen.get(0).uri());
        assertEquals("DELETE", seen.get(1).method());
        assertEquals("/api/v1/pins/a%20b%2Fc", seen.get(1).uri());
    }

    @Test
    void lsSendsTheFiltersSortedAndPagesBeforeTheOldest() throws Exception {
        PinningServiceClient client = serve(s -> s.uri().contains("before=")
                ? Answer.json(200, "{\"count\":1,\"results\":[" + pinStatus("r3", "queued", "2024-01-01T00:00:01Z", "x y") + "]}")
                : Answer.json(200, "{\"count\":3,\"results\":[" + pinStatus("r1", "pinned", "2024-01-01T00:00:03Z", "x y") + ","
                        + pinStatus("r2", "failed", "2024-01-01T00:00:02Z", "x y") + "]}"));
        List<String> ids = new ArrayList<>();
        client.ls(new PinningServiceClient.Query(List.of(CID), "x y", List.of("queued", "pinned", "failed"), 10),
                p -> ids.add(p.requestId()), () -> false);
        assertEquals(List.of("r1", "r2", "r3"), ids, "the count of what is before the oldest ends it");
        assertEquals("/api/v1/pins?cid=" + CID + "&limit=10&name=x+y&status=queued%2Cpinned%2Cfailed", seen.get(0).uri());
        assertEquals("/api/v1/pins?before=2024-01-01T00%3A00%3A02Z&cid=" + CID + "&limit=10&name=x+y&status=queued%2Cpinned%2Cfailed",
                seen.get(1).uri());
    }

    @Test
    void countAsksForOnePinOfTheStatus() throws Exception {
        PinningServiceClient client = serve(s -> Answer.json(200, "{\"count\":7,\"results\":[]}"));
        assertEquals(7, client.count("pinning"));
        assertEquals("/api/v1/pins?limit=1&status=pinning", seen.get(0).uri());
    }

    @Test
    void errorsAreKubosTexts() throws Exception {
        PinningServiceClient client = serve(s -> switch (s.uri()) {
            case "/api/v1/pins/unauthorized" -> Answer.json(401, "{\"error\":{\"reason\":\"access token is invalid\",\"details\":\"\"}}");
            case "/api/v1/pins/html" -> new Answer(500, "text/html", "<h1>oops</h1>");
            case "/api/v1/pins/moved" -> new Answer(302, "text/html", "");
            default -> Answer.json(200, "{\"count\":2,\"results\":[]}");
        });
        assertEquals("reason: \"access token is invalid\", details: \"\": 401 Unauthorized",
                assertThrows(IOException.class, () -> client.status("unauthorized")).getMessage());
        assertEquals("remote pinning service returned http error 500: undefined response type",
                assertThrows(IOException.class, () -> client.status("html")).getMessage());
        assertEquals("remote pinning service returned http error 302: 302 Found",
                assertThrows(IOException.class, () -> client.status("moved")).getMessage());
        assertEquals("invalid pinning service response: PinResults.count=2 but no PinResults.results",
                assertThrows(IOException.class, () -> client.ls(new PinningServiceClient.Query(List.of(), null,
                        List.of("pinned"), 10), p -> { }, () -> false)).getMessage());
    }

    @Test
    void aServiceThatIgnoresBeforeOrSendsTooMuchIsStopped() throws Exception {
        String page = "{\"count\":5,\"results\":[" + pinStatus("r1", "pinned", "2024-01-01T00:00:03Z", "") + "]}";
        PinningServiceClient client = serve(s -> s.uri().contains("big") ? Answer.json(200, "\"" + "x".repeat(PinningServiceClient.MAX_JSON) + "\"")
                : Answer.json(200, page));
        List<String> ids = new ArrayList<>();
        IOException repeated = assertThrows(IOException.class, () -> client.ls(new PinningServiceClient.Query(List.of(),
                null, List.of("pinned"), 10), p -> ids.add(p.requestId()), () -> false));
        assertTrue(repeated.getMessage().contains("repeated a page"), repeated.getMessage());
        assertEquals(2, seen.size(), "the second page, the same as the first, ends it");
        IOException big = assertThrows(IOException.class, () -> client.status("big"));
        assertTrue(big.getMessage().contains("over " + PinningServiceClient.MAX_JSON + " bytes"), big.getMessage());
    }

    @Test
    void aServiceThatIsNotThereIsAnEmptyResponse() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PinningServiceClient client = new PinningServiceClient("http://127.0.0.1:" + port, "k", Duration.ofSeconds(5));
        IOException e = assertThrows(IOException.class, () -> client.count("queued"));
        assertEquals("empty response from remote pinning service: Get \"http://127.0.0.1:" + port
                + "/pins?limit=1&status=queued\": dial tcp 127.0.0.1:" + port + ": connect: connection refused", e.getMessage());
    }

    @Test
    void endpointsAreCheckedAndCleanedAsKuboDoes() {
        assertEquals("https://pin.example/api/v1", PinningServices.normalizeEndpoint("https://pin.example//api/v1/"));
        assertEquals("http://127.0.0.1:5000", PinningServices.normalizeEndpoint("http://127.0.0.1:5000/"));
        assertEquals("service endpoint must be a valid HTTP URL",
                assertThrows(IllegalArgumentException.class, () -> PinningServices.normalizeEndpoint("ftp://x/")).getMessage());
        assertEquals("service endpoint must be a valid HTTP URL",
                assertThrows(IllegalArgumentException.class, () -> PinningServices.normalizeEndpoint("not a url")).getMessage());
        assertEquals("service endpoint should be provided without any query parameters",
                assertThrows(IllegalArgumentException.class, () -> PinningServices.normalizeEndpoint("http://x/a?b=c")).getMessage());
        assertEquals("service endpoint should be provided without the /pins suffix",
                assertThrows(IllegalArgumentException.class, () -> PinningServices.normalizeEndpoint("http://x/pins/")).getMessage());
    }

    @Test
    void servicesLiveInTheConfigFileTheirKeysNeverShown() {
        RepoConfig c = PinningServices.add(RepoConfig.defaults(), "my.svc", "http://127.0.0.1:1", "k e y");
        RepoConfig back = RepoConfig.parse(c.format());
        assertEquals(new PinningServices.Service("my.svc", "http://127.0.0.1:1", "k e y"), PinningServices.all(back).get("my.svc"));
        assertEquals("service already present",
                assertThrows(IllegalArgumentException.class, () -> PinningServices.add(back, "my.svc", "http://x", "k")).getMessage());
        Map<?, ?> shown = (Map<?, ?>) KuboConfig.show(back).get("Pinning");
        assertEquals(Map.of("my.svc", Map.of("API", Map.of("Endpoint", "http://127.0.0.1:1"),
                "Policies", Map.of("MFS", Map.of("Enable", false, "PinName", "", "RepinInterval", "")))), shown.get("RemoteServices"));
        assertFalse(PinningServices.all(PinningServices.remove(back, "my.svc")).containsKey("my.svc"));
        assertTrue(PinningServices.concealed("pinning.remoteservices.x.api.key"));
        assertTrue(PinningServices.concealed("Pinning"));
        assertFalse(PinningServices.concealed("Pinning.RemoteServices.x.API.Endpoint"));
        assertFalse(new PinningServices.Service("a", "e", "secret").toString().contains("secret"));
    }
}
