package io.p2pkit.node.rpc;

import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cid/*} and {@code multibase/*} over an in-JVM node without a repository (they need none):
 * Kubo 0.39's answers, taken from a Kubo daemon, for the lists, conversions and errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcMultiformatsTest {
    private static final String V0 = "QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN";
    private static final String RAW = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";
    private static final String BOUNDARY = "mb0undary";

    private static Node node;
    private static HttpClient client;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        client = HttpClient.newHttpClient();
        api = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
    }

    @AfterAll
    static void stop() {
        client.close();
        node.close();
    }

    private static HttpResponse<String> post(String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api + command)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> upload(String command, byte[] file) throws Exception {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        return client.send(HttpRequest.newBuilder(URI.create(api + command))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String error(String message) {
        return "{\"Message\":\"" + message + "\",\"Code\":0,\"Type\":\"error\"}\n";
    }

    @Test
    void cidInspectAnswersKubosFields() throws Exception {
        HttpResponse<String> json = post("cid/inspect?arg=" + RAW);
        assertEquals("{\"cid\":\"" + RAW + "\",\"version\":1,\"multibase\":{\"prefix\":\"b\",\"name\":\"base32\"},"
                + "\"multicodec\":{\"code\":85,\"name\":\"raw\"},\"multihash\":{\"code\":18,\"name\":\"sha2-256\","
                + "\"length\":32,\"digest\":\"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\"},"
                + "\"cidV1\":\"" + RAW + "\"}\n", json.body());
        assertTrue(post("cid/inspect?enc=text&arg=" + V0).body().startsWith("CID:        " + V0 + "\nVersion:    0\n"));
        HttpResponse<String> bad = post("cid/inspect?arg=nope");
        assertEquals(200, bad.statusCode(), "as Kubo: the error is a field of the answer");
        assertTrue(bad.body().contains("\"errorMsg\":\"invalid CID: "), bad.body());
        assertEquals(500, post("cid/inspect?enc=text&arg=nope").statusCode(), "and the text's error");
    }

    @Test
    void cidFormatStreamsOneResultPerCidAsKubo() throws Exception {
        HttpResponse<String> r = post("cid/format?arg=bad&arg=" + V0 + "&arg=" + RAW + "&f=" + URLEncoder.encode("%P %b",
                StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode());
        assertEquals("1", r.headers().firstValue("X-Chunked-Output").orElseThrow());
        String[] lines = r.body().split("\n");
        assertTrue(lines[0].startsWith("{\"CidStr\":\"bad\",\"Formatted\":\"\",\"ErrorMsg\":\"") && !lines[0].contains(
                "\"ErrorMsg\":\"\""), lines[0]);
        assertEquals("{\"CidStr\":\"" + V0 + "\",\"Formatted\":\"cidv0-dag-pb-sha2-256-32 base58btc\",\"ErrorMsg\":\"\"}", lines[1]);
        assertEquals("{\"CidStr\":\"" + RAW + "\",\"Formatted\":\"cidv1-raw-sha2-256-32 base32\",\"ErrorMsg\":\"\"}", lines[2]);
        assertEquals("{\"CidStr\":\"" + V0 + "\",\"Formatted\":\"bafybeiffndsajwhk3lwjewwdxqntmjm4b5wxaaanokonsggenkbw6slwk4\","
                + "\"ErrorMsg\":\"\"}\n", post("cid/base32?arg=" + V0).body());
        assertEquals("{\"CidStr\":\"" + RAW + "\",\"Formatted\":\"\",\"ErrorMsg\":\"can't convert non-dag-pb nodes to cidv0\"}\n",
                post("cid/format?arg=" + RAW + "&v=0").body());
        assertTrue(post("cid/format?arg=" + RAW + "&b=base58btc&mc=dag-pb").body().contains("\"Formatted\":\"zdj7"));
        assertEquals("&{" + RAW + " cidv1-raw-sha2-256-32 }&{" + RAW + "  can't convert non-dag-pb nodes to cidv0}",
                post("cid/format?arg=" + RAW + "&f=%25P&enc=text").body() + post("cid/format?arg=" + RAW + "&v=0&enc=text").body(),
                "Go's dump of Kubo's struct, which has no text encoder");
    }

    @Test
    void cidFormatRefusesItsOptionsWithKubosWords() throws Exception {
        for (String[] c : new String[][]{
                {"f=plain", "invalid format string: \\\"plain\\\""},
                {"f=%25x", "unrecognized specifier in format string: %x"},
                {"f=%25", "premature end of format string"},
                {"v=2", "invalid cid version: \\\"2\\\""},
                {"b=base99", "unsupported multibase encoding: base99"},
                {"mc=foo", "unknown multicodec: \\\"foo\\\""},
                {"v=0&b=base32", "cannot convert to CIDv0 with any multibase other than the implicit base58btc"},
                {"v=0&mc=raw", "cannot convert to CIDv0 with any codec other than dag-pb"}}) {
            HttpResponse<String> r = post("cid/format?arg=" + V0 + "&" + c[0]);
            assertEquals(500, r.statusCode(), c[0]);
            assertEquals(error(c[1]), r.body(), c[0]);
        }
        assertEquals("argument \"cid\" is required\n", post("cid/format").body());
    }

    @Test
    void aCidThatDoesNotReadIsNamedInGoCidsWords() throws Exception {
        // Kubo 0.39's answers: an empty line or a space in front are what piped input brings
        for (String[] c : new String[][]{
                {"", "cid too short"}, {"%20" + V0, "selected encoding not supported"}, {"%09", "cid too short"},
                {"zzz", "invalid cid: expected 1 as the cid version number, got: 13"},
                {"bad", "invalid cid: expected 1 as the cid version number, got: 0"},
                {"bafybad", "invalid cid: varints malformed, could not reach the end"},
                {"QmU8uzJDdTC1wKkGo1fnL3GTwGuVxLiD1CEscZUF5zgm0k", "input isn't valid multihash"}}) {
            String given = java.net.URLDecoder.decode(c[0], StandardCharsets.UTF_8);
            assertEquals("{\"CidStr\":\"" + given.replace("\t", "\\t") + "\",\"Formatted\":\"\",\"ErrorMsg\":\"invalid cid: "
                    + c[1] + "\"}\n", post("cid/format?arg=" + c[0]).body(), c[0]);
        }
    }

    @Test
    void theListsAreKubosAndReadAsKubosText() throws Exception {
        HttpResponse<String> bases = post("cid/bases");
        assertTrue(bases.headers().firstValue("X-Chunked-Output").isEmpty(), "one value");
        assertTrue(bases.body().startsWith("[{\"Code\":0,\"Name\":\"identity\"},{\"Code\":48,\"Name\":\"base2\"},"), bases.body());
        assertEquals(21, bases.body().split("\\{").length - 1);
        String text = post("cid/bases?prefix=true&numeric=true&enc=text").body();
        assertTrue(text.startsWith("        0  identity\n0      48  base2\nb      98  base32\nB      66  base32upper\n"), text);
        assertTrue(text.endsWith("Z      90  base58flickr\n\uD83D\uDE80  128640  base256emoji\n"), text);
        assertEquals(post("cid/bases").body(), post("multibase/list").body());
        assertEquals("b  base32\n", post("multibase/list?prefix=true&enc=text").body().lines()
                .filter(l -> l.endsWith(" base32")).findFirst().orElseThrow() + "\n");

        assertEquals("[{\"Code\":85,\"Name\":\"raw\"},{\"Code\":112,\"Name\":\"dag-pb\"},{\"Code\":113,\"Name\":\"dag-cbor\"},"
                + "{\"Code\":114,\"Name\":\"libp2p-key\"},{\"Code\":297,\"Name\":\"dag-json\"}]\n", post("cid/codecs?supported=true").body());
        String codecs = post("cid/codecs?n=true&enc=text").body();
        assertEquals(44, codecs.lines().count());
        assertTrue(codecs.startsWith("   81  cbor\n   85  raw\n  112  dag-pb\n"), codecs);
        assertTrue(codecs.endsWith("46083  rdfc-1\n46593  json-jcs\n"), codecs);

        String hashes = post("cid/hashes?numeric=true&enc=text").body();
        assertEquals(73, hashes.lines().count());
        assertTrue(hashes.startsWith("    0  identity\n   17  sha1\n   18  sha2-256\n"), hashes);
        assertTrue(hashes.contains("\n   25  shake-256\n   26  keccak-224\n") && hashes.contains("\n   86  dbl-sha2-256\n45588  blake2b-160\n"),
                hashes);
        assertTrue(hashes.endsWith("45664  blake2s-256\n"), hashes);
        assertEquals(post("cid/hashes").body(), post("cid/hashes?supported=true").body(), "p2pkit computes every one");
    }

    @Test
    void multibaseEncodesDecodesAndTranscodesBytes() throws Exception {
        HttpResponse<byte[]> encoded = upload("multibase/encode", "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, encoded.statusCode());
        assertEquals("1", encoded.headers().firstValue("X-Stream-Output").orElseThrow());
        assertEquals("uaGVsbG8", text(encoded), "base64url by default");
        assertEquals("f68656c6c6f0a", text(upload("multibase/encode?b=base16", "hello\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals("zCn8eVZg", text(upload("multibase/transcode?b=z", "uaGVsbG8".getBytes(StandardCharsets.UTF_8))));
        assertEquals("hello", text(upload("multibase/decode", "uaGVsbG8\n".getBytes(StandardCharsets.UTF_8))),
                "a base64 file's newline is passed over, as Go's decoder does");
        byte[] binary = {0, 1, 2, (byte) 0xff, '\n'};
        byte[] identity = upload("multibase/encode?b=identity", binary).body();
        assertArrayEquals(new byte[]{0, 0, 1, 2, (byte) 0xff, '\n'}, identity, "identity is a NUL and the bytes");
        assertArrayEquals(binary, upload("multibase/decode", identity).body());
        for (String base : new String[]{"base2", "base32hexpadupper", "base36", "base58flickr", "base64pad", "base256emoji"}) {
            byte[] text = upload("multibase/encode?b=" + base, binary).body();
            assertArrayEquals(binary, upload("multibase/decode", text).body(), base);
        }
    }

    @Test
    void multibaseRefusesAsKubo() throws Exception {
        assertEquals(error("unsupported multibase encoding: base99"), text(upload("multibase/encode?b=base99", new byte[1])));
        assertEquals(error("empty multibase encoding"), text(upload("multibase/transcode?b=", new byte[1])));
        assertEquals(error("failed to decode multibase: cannot decode multibase for zero length string"),
                text(upload("multibase/decode", new byte[0])));
        assertEquals(error("failed to decode multibase: selected encoding not supported"),
                text(upload("multibase/decode", "xabc".getBytes(StandardCharsets.UTF_8))));
        HttpResponse<byte[]> bad = upload("multibase/decode", "u!!".getBytes(StandardCharsets.UTF_8));
        assertEquals(500, bad.statusCode());
        assertTrue(text(bad).startsWith("{\"Message\":\"failed to decode multibase: "), text(bad));
        HttpResponse<String> none = post("multibase/decode");
        assertEquals(400, none.statusCode());
        assertEquals("file argument 'encoded_file' is required\n", none.body());
        HttpResponse<byte[]> big = upload("multibase/encode", new byte[io.p2pkit.node.multiformats.Multibases.MAX_INPUT + 1]);
        assertEquals(500, big.statusCode());
        assertTrue(text(big).contains("the file is over its limit of 1048576 bytes"), text(big));
    }
}
