package io.p2pkit.node.rpc;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.node.http.HttpFace;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The framework alone, with commands made for the test: parsing, paths, options, timeouts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcFrameworkTest {
    /** Holds {@code single/then-wait} after its value until the test lets it end. */
    private static final CountDownLatch SINGLE_MAY_END = new CountDownLatch(1);
    private static HttpFace face;
    private static HttpClient client;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        RpcCommands commands = new RpcCommands().add(
                RpcCommand.at("echo").args(RpcArgument.string("first", true, false), RpcArgument.string("rest", false, true))
                        .options(RpcOption.bool("flag", "f"), RpcOption.int64("count", "c").withDefault(7L),
                                RpcOption.strings("tag"), RpcOption.uint("small"))
                        .run((req, res) -> {
                            Map<String, Object> o = new LinkedHashMap<>();
                            o.put("args", req.arguments());
                            o.put("flag", req.bool("flag"));
                            o.put("count", req.number("count").orElseThrow());
                            o.put("tags", req.strings("tag"));
                            res.single(o);
                        }),
                RpcCommand.at("group/wait").run((req, res) -> new CountDownLatch(1).await()),
                RpcCommand.at("single/then-wait").run((req, res) -> {
                    res.single(Map.of("value", 1));
                    if (!SINGLE_MAY_END.await(50, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("not let go");
                    }
                }),
                RpcCommand.at("group/fail").run((req, res) -> {
                    throw new IllegalStateException("broken on purpose");
                }),
                RpcCommand.at("upload/refuse").args(RpcArgument.file("data", true, false)).run((req, res) -> {
                    throw RpcError.failed("refused before reading the upload");
                }));
        face = HttpFace.start("rpc-test", NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)),
                new RpcHandler(null, commands), new MetricRegistry());
        client = HttpClient.newHttpClient();
        api = HttpAddress.url(face.address()) + "/api/v0/";
    }

    @AfterAll
    static void stop() {
        face.close();
        client.close();
    }

    private static HttpResponse<String> send(String method, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api + command)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void optionsAreParsedAsGoIpfsCmdsParsesThem() throws Exception {
        assertEquals("{\"args\":[\"a\",\"b c\",\"d\"],\"flag\":true,\"count\":16,\"tags\":[\"x\",\"y\"]}\n",
                send("POST", "echo?arg=a&arg=b+c&arg=d&f=&c=0x10&tag=x&tag=y&unknown=whatever").body());
        assertEquals("{\"args\":[\"a\"],\"flag\":false,\"count\":7,\"tags\":[]}\n", send("POST", "echo?arg=a&flag=FALSE").body());
        assertEquals("{\"args\":[\"a\"],\"flag\":true,\"count\":7,\"tags\":[]}\n", send("POST", "echo?arg=a&flag=T").body());
        assertEquals("could not convert value \"maybe\" to type \"bool\" (for option \"-flag\")\n",
                send("POST", "echo?arg=a&flag=maybe").body());
        assertEquals("could not convert value \"-1\" to type \"uint\" (for option \"-small\")\n",
                send("POST", "echo?arg=a&small=-1").body());
        assertEquals("could not convert empty value to type \"int64\" (for option \"-count\")\n",
                send("POST", "echo?arg=a&count=").body());
    }

    @Test
    void aCommandsOneValueLeavesWithTheEndOfItsAnswer() throws Exception {
        // A client that sends its next request as soon as it has the value (Kubo's CLI: version, then
        // diag cmds clear) must find this command over: the value waits for the command's end.
        var answer = client.sendAsync(HttpRequest.newBuilder(URI.create(api + "single/then-wait"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofInputStream());
        try {
            // the headers come with the value, and neither before the command's end
            answer.get(500, TimeUnit.MILLISECONDS);
            throw new AssertionError("the answer started while the command was still running");
        } catch (java.util.concurrent.TimeoutException expected) {
            // nothing yet, as it must be
        } finally {
            SINGLE_MAY_END.countDown();
        }
        HttpResponse<java.io.InputStream> r = answer.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        try (java.io.InputStream body = r.body()) {
            assertEquals("{\"value\":1}\n", new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void theLastPathSegmentIsAnArgumentWhenItNamesNoSubcommand() throws Exception {
        assertTrue(send("POST", "echo/from-path?arg=second").body().startsWith("{\"args\":[\"from-path\",\"second\"]"));
        assertEquals(404, send("POST", "group").statusCode());
        assertEquals(404, send("POST", "group/nothing").statusCode());
        assertEquals(404, send("POST", "nothing/at/all").statusCode());
    }

    @Test
    void aCommandThatRefusesBeforeReadingItsUploadIsStillAnsweredWithItsError() throws Exception {
        // ipfs key import self: refused on its name; Kubo's client was still writing the file and got
        // "broken pipe" when the connection closed on the unread bytes, instead of the error
        String boundary = "p2pkit-test-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + (4 << 20) + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(tail, 0, body, body.length - tail.length, tail.length);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(api + "upload/refuse"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, r.statusCode());
        assertEquals("{\"Message\":\"refused before reading the upload\",\"Code\":0,\"Type\":\"error\"}\n", r.body());
    }

    @Test
    void optionsRequestsAreAnsweredWithTheAllowedMethods() throws Exception {
        HttpResponse<String> options = send("OPTIONS", "echo");
        assertEquals(204, options.statusCode());
        assertEquals("OPTIONS, POST", options.headers().firstValue("Allow").orElseThrow());
        for (String method : List.of("GET", "PUT", "DELETE")) {
            assertEquals(405, send(method, "echo?arg=a").statusCode(), method);
        }
    }

    @Test
    void theTimeoutOptionInterruptsACommandAndUnexpectedFailuresKeepTheirMessage() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> slow = send("POST", "group/wait?timeout=300ms");
        assertEquals(500, slow.statusCode());
        assertEquals("{\"Message\":\"context deadline exceeded\",\"Code\":0,\"Type\":\"error\"}\n", slow.body());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300);

        HttpResponse<String> fail = send("POST", "group/fail");
        assertEquals("{\"Message\":\"broken on purpose\",\"Code\":0,\"Type\":\"error\"}\n", fail.body());
    }

    @Test
    void goDurationsParseAsTimeParseDuration() {
        assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s"));
        assertEquals(Duration.ofMinutes(165), GoDuration.parse("2h45m"));
        assertEquals(Duration.ofNanos(300), GoDuration.parse("300ns"));
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        for (String bad : List.of("", "5", "s", "1x", "1.2.3s")) {
            assertThrows(RpcError.class, () -> GoDuration.parse(bad), bad);
        }
    }
}
