package io.p2pkit.interop;

import io.p2pkit.node.Node;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arguments on standard input ({@code printf 'CID1\nCID2\n' | ipfs pin add}): Kubo 0.39's own
 * {@code ipfs} runs each command line with the same input against a Kubo daemon and, with
 * {@code --api}, against a p2pkit daemon holding the same content, and what it shows (exit status,
 * stdout, stderr) must be the same. Kubo's client takes the first line itself when the argument
 * is required and sends the rest as a multipart part named {@code stdin}, which the daemon reads
 * as go-ipfs-cmds does: every line for the commands whose Kubo code calls {@code ParseBodyArgs}
 * ({@code pin add|rm}, {@code refs}, {@code cat}, {@code ls}, {@code bootstrap add|rm}), none for
 * the others. What that client never sends (the first line in the body, a body cut short, an
 * empty one, {@code cid/*}, which it runs itself) is asked of both over raw HTTP.
 */
@InteropArea("RPC API: arguments on stdin (request body) against Kubo 0.39")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StdinArgsKuboInteropTest {
    private static final String BOUNDARY = "0ac6af16533c9c04d3705535c5dc8c41faac4ee7cb194fef87defc06c0a9";

    @TempDir
    static Path dir;
    private static KuboBeside pair;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;
    private static HttpClient http;
    /** The content's CIDs (and two peer addresses) by the names the cases use. */
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        pair = KuboBeside.start(dir, "none", b -> b.dht(Optional.empty()));
        kubo = pair.kubo();
        client = pair.client();
        node = pair.node();
        api = pair.api();
        http = pair.http();

        Path tree = RpcContent.tree(dir.resolve("tree"));
        NAMES.put("ROOT", pair.added(List.of("add", "-Q", "-r", "--pin=false", tree.toString())));
        NAMES.put("SUB", pair.added(List.of("add", "-Q", "-r", "--pin=false", tree.resolve("sub").toString())));
        NAMES.put("ATXT", pair.added(List.of("add", "-Q", "--pin=false", "--only-hash", tree.resolve("a.txt").toString())));
        Path raw = Files.writeString(dir.resolve("raw.bin"), "a raw block\n");
        NAMES.put("RAW", pair.added(List.of("block", "put", raw.toString())));
        Path cbor = Files.writeString(dir.resolve("node.json"), fill("{\"a\":{\"/\":\"ROOT\"},\"c\":{\"d\":{\"/\":\"SUB\"},\"n\":5}}"));
        NAMES.put("CBOR", pair.added(List.of("dag", "put", "--store-codec=dag-cbor", cbor.toString())));
        NAMES.put("PEER1", "/ip4/127.0.0.1/tcp/4001/p2p/" + kubo.peerId());
        NAMES.put("PEER2", "/ip4/127.0.0.2/udp/4001/quic-v1/p2p/" + node.peerId());
    }

    @AfterAll
    static void stop() throws IOException {
        if (pair != null) {
            pair.close();
        }
    }

    private static String fill(String text) {
        return KuboBeside.fill(text, NAMES);
    }

    /** A case: {@code printf stdin | ipfs command}, the command's words separated by '|'. */
    private static Arguments pipe(String stdin, String command, boolean fails) {
        String shown = "printf '" + stdin.replace("\r", "\\r").replace("\n", "\\n") + "' | ipfs " + command.replace('|', ' ');
        return Arguments.of(shown, stdin, command, fails);
    }

    /**
     * In order: a case may leave state (pins, the bootstrap list) that the next one reads or undoes,
     * so that both daemons must have done the same for them to agree.
     */
    static Stream<Arguments> cases() {
        return Stream.of(
                pipe("ROOT\nSUB\n", "pin|add", false),                       // every line, the first as arg=
                pipe("ROOT\r\nSUB", "pin|rm", false),                        // CRLF, and a last line without an ending
                pipe("ATXT\n\nRAW\n", "pin|add", true),                      // an empty line is an argument: invalid path ""
                pipe("ATXT\n", "pin|rm", false),                             // the first was pinned before the failure
                pipe("RAW\nATXT\n", "block|stat", false),                    // only the first line
                pipe("ATXT\nRAW\n", "block|get", false),
                pipe("nonsense\nRAW\n", "block|stat", true),
                pipe("ROOT\nCBOR\n", "refs", false),
                pipe("SUB\nCBOR\n", "refs|-r|-u", false),
                pipe("/ipfs/ROOT/a.txt\n/ipfs/ROOT/sub/b.txt\n", "cat", false),
                pipe("ROOT\nSUB\n", "ls", false),
                pipe("/ipfs/CBOR/c\nROOT\n", "dag|get", false),
                pipe("/ipfs/CBOR/c/d\n", "dag|resolve", false),
                pipe("ROOT\nSUB\n", "dag|stat|--progress=false", false),
                pipe("/ipfs/ROOT/sub/deeper\nROOT\n", "resolve", false),
                pipe("PEER1\nPEER2\n", "bootstrap|add", false),              // an optional argument: every line in the body
                pipe("PEER2\r\nPEER1", "bootstrap|rm", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void argumentsOnStdinDoWhatTheyDoOnKubo(String shown, String stdin, String command, boolean fails) throws IOException {
        List<String> args = Arrays.stream(command.split("\\|")).toList();
        byte[] input = fill(stdin).getBytes(StandardCharsets.UTF_8);
        P2pkitCli.Result k = kubo.cli().runAny(args, input);
        P2pkitCli.Result p = client.runAny(pair.withApi(args), input);
        String onKubo = k.status() + "\n" + k.out() + k.err();
        System.out.println("$ " + fill(shown) + "\n" + onKubo);
        assertEquals(onKubo, p.status() + "\n" + p.out() + p.err(), fill(shown));
        assertEquals(fails ? 1 : 0, k.status(), fill(shown) + ": " + onKubo);
    }

    /** What a daemon answered over raw HTTP, the headers go-ipfs-cmds decides included. */
    private record Answer(int status, String type, String chunked, String body) {
        @Override
        public String toString() {
            return status + " " + type + " chunked=" + chunked + "\n" + body;
        }
    }

    private static Answer post(String apiUrl, String command, String contentType, String body) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/api/v0/" + fill(command)))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(fill(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("X-Chunked-Output").orElse(""), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Both daemons' answers to the same request: Kubo's first. */
    private static List<Answer> both(String command, String contentType, String body) throws IOException {
        return List.of(post(kubo.apiUrl(), command, contentType, body),
                post(HttpAddress.url(node.apiAddress().orElseThrow()), command, contentType, body));
    }

    /** The same answer from both daemons to a multipart body whose one part holds {@code lines}. */
    private static Answer same(String command, String lines) throws IOException {
        return same(command, "multipart/form-data; boundary=" + BOUNDARY, part(lines) + "\r\n--" + BOUNDARY + "--\r\n");
    }

    private static Answer same(String command, String contentType, String body) throws IOException {
        List<Answer> answers = both(command, contentType, body);
        System.out.println("POST " + fill(command) + "\n" + answers.get(0));
        assertEquals(answers.get(0), answers.get(1), fill(command));
        return answers.get(0);
    }

    /** A part as Kubo's client writes its standard input, not yet closed. */
    private static String part(String lines) {
        return "--" + BOUNDARY + "\r\nAbspath-Encoded: \r\nContent-Disposition: form-data; name=\"file\"; filename=\"stdin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + lines;
    }

    @Test
    void theFirstLineInTheBodyStandsForAMissingArgument() throws IOException {
        assertEquals(200, same("block/stat", "RAW\nATXT\n").status());
        assertTrue(same("pin/add", "ROOT\nSUB\n").body().contains(fill("SUB")));
        assertTrue(same("pin/rm?arg=ROOT", "SUB").body().contains(fill("SUB")));
        assertEquals(500, same("block/stat", "\nRAW\n").status()); // an empty first line is an empty argument
    }

    @Test
    void noLinesOrNoMultipartBodyLeaveTheArgumentMissing() throws IOException {
        assertEquals("argument \"cid\" is required\n", same("block/stat", "").body());
        assertEquals("argument \"ipfs-path\" is required\n",
                same("pin/add", "multipart/form-data; boundary=" + BOUNDARY, "--" + BOUNDARY + "--\r\n").body());
        assertEquals(400, same("block/stat", "text/plain", fill("RAW\n")).status());
        assertEquals(200, same("block/stat?arg=RAW", "text/plain", "").status());
    }

    @Test
    void cidCommandsTrimTheLinesTheyReadThemselves() throws IOException {
        // the first line fills the missing argument as it is (a space in front: not a CID), the rest are trimmed
        Answer format = same("cid/format", "  ROOT \n\tRAW \r\n\n");
        assertEquals(3, format.body().lines().count(), format.body());
        assertEquals(3, same("cid/base32?arg=ATXT", " ROOT\nRAW").body().lines().count());
    }

    @Test
    void aBodyCutShortFailsAsOnKuboWhereTheLinesAreRead() throws IOException {
        String multipart = "multipart/form-data; boundary=" + BOUNDARY;
        // cut inside the first line: the request cannot be parsed (plain 400); a command that reads every line
        // fails when it reaches the cut (500, its JSON error); one that reads only the first line never does.
        // The words differ: Go's multipart reader says "unexpected EOF", p2pkit's says where the body ended.
        for (String[] c : new String[][]{{"block/stat", "RAW", "400", "text/plain; charset=utf-8"},
                {"pin/add", "ROOT\nSUB", "500", "application/json"},
                {"pin/add?arg=ROOT", "SUB", "500", "application/json"}}) {
            List<Answer> answers = both(c[0], multipart, part(c[1]));
            System.out.println("POST " + fill(c[0]) + " (cut)\n" + answers.get(0) + "\n" + answers.get(1));
            for (Answer a : answers) {
                assertEquals(Integer.parseInt(c[2]), a.status(), c[0] + ": " + a);
                assertEquals(c[3], a.type(), c[0] + ": " + a);
                if (a.type().equals("application/json")) {
                    assertTrue(a.body().startsWith("{\"Message\":\"") && a.body().endsWith("\",\"Code\":0,\"Type\":\"error\"}\n"),
                            a.body());
                }
            }
        }
        assertEquals(200, same("block/stat", multipart, part("RAW\nATXT")).status());
    }
}
