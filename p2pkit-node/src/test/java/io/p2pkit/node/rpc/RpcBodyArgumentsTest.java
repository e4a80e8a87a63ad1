package io.p2pkit.node.rpc;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.node.http.HttpFace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arguments read from the body (go-ipfs-cmds' stdin arguments), through the framework: the
 * first line stands for a missing required argument, a command that takes every line reads the
 * rest after its {@code arg=}s, and a broken or oversized body answers as Kubo 0.39 answers (a
 * plain 400 while the request is parsed, the command's JSON error once it runs).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcBodyArgumentsTest {
    private static final String BOUNDARY = "0ac6af16533c9c04d3705535c5dc8c41";
    private static final String RAW = "bafkreic656ajr3loycqwesp4pqjeeibh7sp5owywcmgmsobm6ciqeakhsy";
    private static final String V0 = "QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN";
    private static HttpFace face;
    private static HttpClient client;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        RpcCommands commands = new RpcCommands().add(
                // as Kubo's block/stat: the argument may be the body's first line, the rest is never read
                RpcCommand.at("one").args(RpcArgument.string("cid", true, false).withStdin())
                        .run((req, res) -> res.single(List.copyOf(req.arguments()))),
                // as Kubo's pin/add: every line, after the arg=s
                RpcCommand.at("every").args(RpcArgument.string("ipfs-path", true, true).withStdin())
                        .run((req, res) -> {
                            req.parseBodyArguments();
                            res.single(List.copyOf(req.arguments()));
                        }),
                // as Kubo's bootstrap/add: an optional argument, so no line is taken for it before the command runs
                RpcCommand.at("optional").args(RpcArgument.string("peer", false, true).withStdin())
                        .run((req, res) -> {
                            List<String> before = List.copyOf(req.arguments());
                            req.parseBodyArguments();
                            res.single(List.of(before, List.copyOf(req.arguments())));
                        }),
                RpcCommand.at("nolines").args(RpcArgument.string("cid", true, false))
                        .run((req, res) -> res.single(List.copyOf(req.arguments()))));
        CidCommands.all().forEach(commands::add);
        face = HttpFace.start("rpc-body-args-test", NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)),
                new RpcHandler(null, commands), new MetricRegistry());
        client = HttpClient.newHttpClient();
        api = HttpAddress.url(face.address()) + "/api/v0/";
    }

    @AfterAll
    static void stop() {
        face.close();
        client.close();
    }

    /** A multipart body as Kubo's ipfs sends its standard input: one part named stdin, the bytes as they are. */
    private static String stdin(String lines) {
        return "--" + BOUNDARY + "\r\nAbspath-Encoded: \r\nContent-Disposition: form-data; name=\"file\"; filename=\"stdin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + lines + "\r\n--" + BOUNDARY + "--\r\n";
    }

    private static HttpResponse<String> post(String command, String contentType, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api + command)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> lines(String command, String lines) throws Exception {
        return post(command, "multipart/form-data; boundary=" + BOUNDARY, stdin(lines));
    }

    private static HttpResponse<String> multipart(String command, String body) throws Exception {
        return post(command, "multipart/form-data; boundary=" + BOUNDARY, body);
    }

    private static String json(String message, int code) {
        return "{\"Message\":\"" + message + "\",\"Code\":" + code + ",\"Type\":\"error\"}\n";
    }

    @Test
    void theFirstLineStandsForAMissingArgumentAndTheRestIsNotRead() throws Exception {
        assertEquals("[\"A\"]\n", lines("one", "A\nB\n").body());
        assertEquals("[\"A\"]\n", lines("one", "A\r\nB").body());
        assertEquals("[\"\"]\n", lines("one", "\nB\n").body()); // an empty first line is an empty argument
        assertEquals("[\"X\"]\n", lines("one?arg=X", "A\nB\n").body());
        // a command whose argument takes no lines leaves the body alone
        HttpResponse<String> none = lines("nolines", "A\n");
        assertEquals(400, none.statusCode());
        assertEquals("argument \"cid\" is required\n", none.body());
    }

    @Test
    void aCommandThatTakesEveryLineHasThemAfterItsArgs() throws Exception {
        assertEquals("[\"A\",\"B\",\"\",\"D\"]\n", lines("every", "A\nB\r\n\nD").body());
        assertEquals("[\"X\",\"Y\",\"A\",\"B\"]\n", lines("every?arg=X&arg=Y", "A\nB\n").body());
        assertEquals("[\"P\",\"A\"]\n", lines("every/P", "A\n").body()); // the path's argument comes first too
        assertEquals("[[],[\"A\",\"B\"]]\n", lines("optional", "A\nB\n").body());
        assertEquals("[[\"X\"],[\"X\",\"A\"]]\n", lines("optional?arg=X", "A").body());
        assertEquals("[[],[]]\n", lines("optional", "").body());
    }

    @Test
    void onlyAMultipartBodyHoldsLinesAndAnEmptyOneHoldsNone() throws Exception {
        HttpResponse<String> plain = post("every", "text/plain", "A\nB\n");
        assertEquals(400, plain.statusCode());
        assertEquals("argument \"ipfs-path\" is required\n", plain.body());
        assertEquals("argument \"ipfs-path\" is required\n", multipart("every", "--" + BOUNDARY + "--\r\n").body());
        assertEquals("argument \"ipfs-path\" is required\n", lines("every", "").body());
        assertEquals("[\"X\"]\n", multipart("every?arg=X", "--" + BOUNDARY + "--\r\n").body());
        assertEquals("[\"X\"]\n", lines("every?arg=X", "").body());
    }

    @Test
    void aBrokenBodyIsAParseErrorForTheFirstLineAndTheCommandsErrorAfter() throws Exception {
        String cut = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stdin\"\r\n\r\n";
        // the first line breaks off while the request is parsed: go-ipfs-cmds' plain 400
        HttpResponse<String> first = multipart("one", cut + "A");
        assertEquals(400, first.statusCode());
        assertEquals("text/plain; charset=utf-8", first.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("the multipart body ends inside a part\n", first.body());
        // a command that reads only the first line never sees the break
        assertEquals("[\"A\"]\n", multipart("one", cut + "A\nB").body());
        assertEquals("[\"X\"]\n", multipart("one?arg=X", cut + "A").body());
        // a later line breaks off while the command reads: its error, 500 and JSON
        HttpResponse<String> later = multipart("every", cut + "A\nB");
        assertEquals(500, later.statusCode());
        assertEquals("application/json", later.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(json("the multipart body ends inside a part", 0), later.body());
        assertEquals(json("the multipart body ends inside a part", 0), multipart("every?arg=X", cut + "A").body());
        // no part at all: go-ipfs-cmds fails when it looks for the first entry, whatever the arguments
        assertEquals(400, multipart("one?arg=X", "no boundary in here").statusCode());
        // a directory first: the command's error when it reads, where Kubo crashes
        String directory = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d\"\r\n"
                + "Content-Type: application/x-directory\r\n\r\n\r\n--" + BOUNDARY + "--\r\n";
        assertEquals(json("the body's first entry is a directory, not lines of arguments", 0),
                multipart("every?arg=X", directory).body());
        assertEquals("[\"X\"]\n", multipart("one?arg=X", directory).body());
    }

    @Test
    void aBodyOverTheBoundIsRefusedAsTheClientsError() throws Exception {
        String over = (V0 + "\n").repeat(BodyArguments.MAX_BYTES / (V0.length() + 1) + 1);
        HttpResponse<String> every = lines("every?arg=X", over);
        assertEquals(400, every.statusCode());
        assertEquals(json("the arguments in the body are over " + BodyArguments.MAX_BYTES + " bytes", 1), every.body());
        HttpResponse<String> oneLine = lines("one", "x".repeat(BodyArguments.MAX_BYTES + 1));
        assertEquals(400, oneLine.statusCode());
        assertEquals("the arguments in the body are over " + BodyArguments.MAX_BYTES + " bytes\n", oneLine.body());
        HttpResponse<String> many = lines("every", "\n".repeat(BodyArguments.MAX_ARGUMENTS + 1));
        assertEquals(json("the body holds more than " + BodyArguments.MAX_ARGUMENTS + " arguments", 1), many.body());
        // a body under the bound but over what a command without lines may send (1 MiB) is fine
        String big = (V0 + "\n").repeat((2 << 20) / (V0.length() + 1));
        HttpResponse<String> fine = lines("every", big);
        assertEquals(200, fine.statusCode());
        assertEquals((2 << 20) / (V0.length() + 1), fine.body().split(",").length);
    }

    @Test
    void aLongBodyPastTheLineACommandTookStillGetsTheAnswer() throws Exception {
        // the command reads one line; the client is still sending the rest (12 MiB, under the 16 MiB the
        // server reads and drops) when the answer is done, and would lose it on a connection closed then
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = lines("one", "A\n" + "x".repeat(12 << 20));
            assertEquals(200, r.statusCode());
            assertEquals("[\"A\"]\n", r.body());
        }
    }

    @Test
    void cidFormatTrimsTheLinesItReadsButNotTheFirstOneTheFrameworkTook() throws Exception {
        // as Kubo 0.39: the first line fills the missing argument as it is; the command trims the others
        String out = lines("cid/format", "  " + V0 + " \n\t" + RAW + " \r\n\n").body();
        List<String> messages = new ArrayList<>(out.lines().toList());
        assertEquals(List.of(
                "{\"CidStr\":\"  " + V0 + " \",\"Formatted\":\"\",\"ErrorMsg\":\"invalid cid: selected encoding not supported\"}",
                "{\"CidStr\":\"" + RAW + "\",\"Formatted\":\"" + RAW + "\",\"ErrorMsg\":\"\"}",
                "{\"CidStr\":\"\",\"Formatted\":\"\",\"ErrorMsg\":\"invalid cid: cid too short\"}"), messages);
        assertEquals(3, lines("cid/base32?arg=" + RAW, " " + V0 + "\n" + RAW).body().lines()
                .filter(l -> l.endsWith("\"ErrorMsg\":\"\"}")).count());
    }

    @Test
    void aRefusedRequestsBodyIsReadBeforeTheAnswerAndItsConnectionClosed() throws Exception {
        // a body that comes after the answer made Jetty close a connection the client was about to reuse
        InetSocketAddress address = face.address();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v0/every HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            s.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, in::read, "no answer before the body was read");
            s.setSoTimeout(10_000);
            out.write("A\nB\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8); // to the close
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
            assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), response);
            assertTrue(response.endsWith("argument \"ipfs-path\" is required\n"), response);
        }
    }

    @Test
    void aBreakAfterCidFormatsOutputStartedIsItsStreamErrorTrailer() throws Exception {
        InetSocketAddress address = face.address();
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stdin\"\r\n\r\n"
                + V0 + "\n" + RAW + "\n" + "cut";
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v0/cid/base32 HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("\"CidStr\":\"" + RAW + "\""), response);
            int end = response.indexOf("\r\n0\r\n");
            assertTrue(end > 0 && response.indexOf("X-Stream-Error: the multipart body ends inside a part", end) > end,
                    "a trailer after the last chunk: " + response);
        }
    }
}
