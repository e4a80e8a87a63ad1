package io.p2pkit.interop;

import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cid/*} and {@code multibase/*} asked of a Kubo 0.39 daemon and of a p2pkit node over raw
 * HTTP: Kubo's CLI runs these commands itself (they use no repository), even with {@code --api},
 * so its RPC answers are compared directly: status, Content-Type, {@code X-Chunked-Output} /
 * {@code X-Stream-Output} and body, byte for byte, with JSON and with {@code enc=text}. Except:
 * Kubo writes its bases and hashes lists in Go's map order (compared as sets), Go's decoders word
 * an unreadable CID or base text otherwise (compared by shape), and p2pkit supports fewer codecs.
 */
@InteropArea("RPC API: cid and multibase against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CidMultibaseKuboInteropTest {
    private static final List<String> CIDS = List.of(
            "QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN",
            "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am",
            "bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            "zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7",
            "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8",
            "bafkqaaa");
    private static final List<String> BASES = List.of("base32", "base32upper", "base36", "base58btc", "base58flickr",
            "base64", "base64url", "base16", "base2", "base32hexpad", "base256emoji", "identity", "M", "k");

    private static KuboDaemon kubo;
    private static Node node;
    private static HttpClient http;
    private static String kuboApi;
    private static String ourApi;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        http = HttpClient.newHttpClient();
        kuboApi = kubo.apiUrl();
        ourApi = HttpAddress.url(node.apiAddress().orElseThrow());
    }

    @AfterAll
    static void stop() throws IOException {
        if (http != null) {
            http.close();
        }
        if (node != null) {
            node.close();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    /** What a daemon answered, the headers go-ipfs-cmds decides included. */
    private record Answer(int status, String type, String chunked, String stream, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Answer withBody(byte[] other) {
            return new Answer(status, type, chunked, stream, other);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Answer a && status == a.status && type.equals(a.type) && chunked.equals(a.chunked)
                    && stream.equals(a.stream) && Arrays.equals(body, a.body);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return status + " " + type + " chunked=" + chunked + " stream=" + stream + "\n" + text();
        }
    }

    private static Answer post(String api, String command, byte[] file) throws IOException {
        HttpRequest.Builder b = RpcPost.of(api, command, file);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("X-Chunked-Output").orElse(""),
                    r.headers().firstValue("X-Stream-Output").orElse(""), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Asks both; the answers must be the same. Returns Kubo's. */
    private static Answer same(String command) throws IOException {
        return same(command, null);
    }

    private static Answer same(String command, byte[] file) throws IOException {
        Answer theirs = post(kuboApi, command, file);
        assertEquals(theirs, post(ourApi, command, file), command);
        return theirs;
    }

    private static String query(String command, List<String> args, String... options) {
        StringBuilder q = new StringBuilder(command);
        char sep = '?';
        for (String a : args) {
            q.append(sep).append("arg=").append(URLEncoder.encode(a, StandardCharsets.UTF_8));
            sep = '&';
        }
        for (int i = 0; i < options.length; i += 2) {
            q.append(sep).append(options[i]).append('=').append(URLEncoder.encode(options[i + 1], StandardCharsets.UTF_8));
            sep = '&';
        }
        return q.toString();
    }

    @Test
    void cidFormatAndBase32AsKubos() throws IOException {
        int compared = 0;
        for (String format : List.of("%s", "%S", "%P", "%b %B %v %V %c %C %h %H %L", "%m | %M | %d | %D", "<%s> 100%%")) {
            same(query("cid/format", CIDS, "f", format));
            compared++;
        }
        for (String base : BASES) {
            String command = query("cid/format", CIDS, "b", base, "f", "%s %m %d");
            if (base.equals("identity")) {
                // the bytes themselves: Go writes a byte that is no UTF-8 as an escaped U+FFFD, p2pkit the character (one JSON value)
                Answer theirs = post(kuboApi, command, null);
                assertEquals(theirs.withBody(theirs.text().replace("\\ufffd", "\ufffd").getBytes(StandardCharsets.UTF_8)),
                        post(ourApi, command, null), command);
            } else {
                same(command);
            }
            compared++;
        }
        // %M, %D and %S cut the prefix off: Go cuts one byte of base256emoji's four-byte rocket, leaving
        // three invalid bytes (U+FFFD in JSON); p2pkit cuts the rocket
        String command = query("cid/format", CIDS, "b", "base256emoji", "f", "%S %M %D");
        Answer theirs = post(kuboApi, command, null);
        assertEquals(theirs.withBody(theirs.text().replace("\\ufffd\\ufffd\\ufffd", "").getBytes(StandardCharsets.UTF_8)),
                post(ourApi, command, null), command);
        same(query("cid/format", List.of(CIDS.get(0)), "v", "1"));
        same(query("cid/format", List.of("bafybeiffndsajwhk3lwjewwdxqntmjm4b5wxaaanokonsggenkbw6slwk4"), "v", "0"));
        same(query("cid/format", CIDS.subList(0, 2), "v", "0")); // the raw CID fails on its own, in Kubo's words
        same(query("cid/format", CIDS.subList(0, 2), "mc", "dag-cbor", "b", "base36"));
        same(query("cid/format", List.of(CIDS.get(2)), "mc", "0x55"));
        same(query("cid/format", CIDS.subList(0, 3), "f", "%P", "encoding", "text")); // Go's dump of its struct
        same(query("cid/base32", CIDS.subList(0, 2), "encoding", "text"));
        same(query("cid/base32", CIDS));
        for (List<String> wrong : List.of(List.of("f", "plain"), List.of("f", "%x"), List.of("f", "%"), List.of("b", "base99"),
                List.of("mc", "nothing"), List.of("v", "2"), List.of("v", "0", "b", "base32"),
                List.of("v", "0", "mc", "raw"))) {
            Answer a = same(query("cid/format", List.of(CIDS.get(0)), wrong.toArray(String[]::new)));
            assertEquals(500, a.status(), wrong.toString());
        }
        same(query("cid/format", List.of(CIDS.get(0)), "b", "", "v", "")); // empty is not given
        same("cid/format");
        // an unreadable CID fails on its own and the others still convert; Go's decoder words it otherwise
        theirs = post(kuboApi, query("cid/format", List.of("not-a-cid", CIDS.get(1))), null);
        Answer ours = post(ourApi, query("cid/format", List.of("not-a-cid", CIDS.get(1))), null);
        String masked = "\"ErrorMsg\":\"<why>\"}\n";
        assertEquals(theirs.withBody(theirs.text().replaceFirst("\"ErrorMsg\":\"[^\"]+\"}\n", masked).getBytes(StandardCharsets.UTF_8)),
                ours.withBody(ours.text().replaceFirst("\"ErrorMsg\":\"[^\"]+\"}\n", masked).getBytes(StandardCharsets.UTF_8)));
        System.out.printf("cid/kubo: %d format runs of %d CIDs equal%n", compared, CIDS.size());
    }

    @Test
    void cidListsAsKubos() throws IOException {
        for (String command : List.of("cid/bases", "multibase/list")) {
            for (String options : List.of("", "&prefix=true", "&numeric=true", "&prefix=true&numeric=true")) {
                same(command + "?encoding=text" + options);
            }
        }
        for (String command : List.of("cid/codecs", "cid/hashes")) {
            same(command + "?encoding=text");
            same(command + "?encoding=text&numeric=true");
        }
        same("cid/hashes?encoding=text&supported=true&n=true"); // Kubo lists every hash; p2pkit computes every one
        same("cid/codecs"); // the table's order, in Kubo's JSON too
        // Kubo writes the bases and hashes from Go maps, in no order: the same entries
        for (String command : List.of("cid/bases", "multibase/list", "cid/hashes")) {
            Answer theirs = post(kuboApi, command, null);
            Answer ours = post(ourApi, command, null);
            assertEquals(theirs.withBody(new byte[0]), ours.withBody(new byte[0]), command);
            assertEquals(entries(theirs.text()), entries(ours.text()), command);
        }
        // --supported: p2pkit's codecs are a subset of go-ipld-prime's; the rest p2pkit cannot encode or decode
        Set<String> theirs = new TreeSet<>(post(kuboApi, "cid/codecs?encoding=text&supported=true", null).text().lines().toList());
        Set<String> ours = new TreeSet<>(post(ourApi, "cid/codecs?encoding=text&supported=true", null).text().lines().toList());
        assertTrue(theirs.containsAll(ours), ours.toString());
        theirs.removeAll(ours);
        assertEquals(Set.of("cbor", "dag-jose", "git-raw", "json"), theirs, "what only Kubo supports");
    }

    /** The {@code {"Code":…,"Name":…}} objects of a JSON list, in any order. */
    private static Set<String> entries(String json) {
        return new TreeSet<>(List.of(json.strip().replaceAll("^\\[\\{|}]$", "").split("},\\{")));
    }

    @Test
    void multibaseRoundTripsAsKubos() throws IOException {
        byte[] random = new byte[3000];
        new Random(39).nextBytes(random);
        byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
        int trips = 0;
        for (String base : List.of("base64url", "base16", "base16upper", "base2", "base32", "base32pad", "base32hexupper",
                "base36", "base58btc", "base58flickr", "base64pad", "base64urlpad", "base256emoji", "identity", "z", "k")) {
            for (byte[] data : List.of(random, hello, new byte[]{0, 0, 1})) {
                byte[] text = same("multibase/encode?b=" + URLEncoder.encode(base, StandardCharsets.UTF_8), data).body();
                assertArrayEquals(data, same("multibase/decode", text).body(), "the round trip of " + base);
                same("multibase/transcode?b=base32", text);
                trips++;
            }
        }
        same("multibase/encode", hello); // base64url
        same("multibase/decode", "uaGVsbG8K\n".getBytes(StandardCharsets.UTF_8)); // base64 passes over a newline
        same("multibase/encode?b=base99", hello);
        same("multibase/transcode?b=", hello);
        same("multibase/decode", new byte[0]);
        same("multibase/decode", "xabc".getBytes(StandardCharsets.UTF_8));
        same("multibase/decode");
        Answer theirs = post(kuboApi, "multibase/decode", "u!!".getBytes(StandardCharsets.UTF_8));
        Answer ours = post(ourApi, "multibase/decode", "u!!".getBytes(StandardCharsets.UTF_8));
        assertEquals(theirs.withBody(new byte[0]), ours.withBody(new byte[0]));
        assertTrue(theirs.text().startsWith("{\"Message\":\"failed to decode multibase: ")
                && ours.text().startsWith("{\"Message\":\"failed to decode multibase: "), theirs + "\n" + ours);
        System.out.printf("multibase/kubo: %d encode/decode/transcode round trips equal%n", trips);
    }
}
