package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.content.DagTraversal;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code refs}, {@code refs/local} and {@code resolve} over an in-JVM node's repository: the walk
 * and its options (Kubo's depth rules, unique with a depth limit), each codec's link order, the
 * streamed errors, Kubo's resolved-path text and errors, and {@code /ipns/} names published
 * through a delegated router. The outputs Kubo gives for the same commands are compared byte for
 * byte by {@code RefsKuboInteropTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcRefsTest {
    @TempDir
    static Path dir;
    private static io.p2pkit.node.Node router;
    private static io.p2pkit.node.Node node;
    private static HttpClient client;
    private static String api;
    private static Repository repo;
    private static Cid root;
    private static Cid a;
    private static Cid big;
    private static List<Cid> chunks;
    private static Cid sub;
    private static Cid b;
    private static Cid raw;
    private static Cid cbor;
    private static Cid json;
    private static Cid hamt;
    private static final Cid MISSING = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "nowhere".getBytes()));

    @BeforeAll
    static void start() throws Exception {
        router = io.p2pkit.node.Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .dht(NodeConfig.Dht.of(Mode.SERVER)).gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0)))
                .build());
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        node = io.p2pkit.node.Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .delegatedRouters(List.of(URI.create(HttpAddress.url(router.gatewayAddress().orElseThrow()))))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(dir.resolve("repo"))).build());
        client = HttpClient.newHttpClient();
        api = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
        repo = node.content().orElseThrow().repository();

        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(dir.resolve("tree/a.txt"), "alpha\n");
        byte[] bytes = new byte[600_000];
        new Random(3).nextBytes(bytes);
        Files.write(dir.resolve("tree/big.bin"), bytes);
        Files.writeString(tree.resolve("b.txt"), "beta\n");
        Files.writeString(tree.resolve("dup.txt"), "alpha\n"); // the same block as a.txt
        root = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(repo.blocks())).importPath(dir.resolve("tree")).root();
        List<Cid> top = links(root);
        a = top.get(0);
        big = top.get(1);
        sub = top.get(2);
        chunks = links(big);
        b = links(sub).get(0);

        raw = put(Block.create(Multicodec.RAW, Multicodec.SHA2_256, "raw block".getBytes(StandardCharsets.UTF_8)));
        Codecs codecs = Codecs.standard();
        cbor = put(codecs.encode(Multicodec.DAG_CBOR, MapNode.builder().put("zz", Node.of(root)).put("b", Node.of(raw))
                .put("a", new ListNode(List.of(Node.of(a), Node.of(raw)))).put("c", MapNode.of("d", Node.of(sub), "n", Node.of(5)))
                .put("e", MapNode.EMPTY).build()));
        // DAG-JSON keeps its keys by their bytes: "bb" before "c" (DAG-CBOR would put "c" first)
        json = put(codecs.encode(Multicodec.DAG_JSON, MapNode.of("c", Node.of(raw), "bb", Node.of(a))));

        Path wide = Files.createDirectories(dir.resolve("wide"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(wide.resolve("entry-" + i), "entry " + i + "\n");
        }
        hamt = new Importer(ImportOptions.builder().hamtThreshold(500).hamtFanout(16).build(), BlockSink.of(repo.blocks()))
                .importPath(wide).root();
    }

    @AfterAll
    static void stop() {
        client.close();
        node.close();
        router.close();
    }

    private static Cid put(Block block) throws Exception {
        repo.blocks().put(block);
        return block.cid();
    }

    private static List<Cid> links(Cid cid) throws Exception {
        return PBNode.decode(repo.blocks().local().get(cid).orElseThrow().data()).links().stream().map(PBLink::hash).toList();
    }

    private static HttpResponse<String> post(String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api + command)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The refs a call answers, in order; every line must be a ref without an error. */
    private static List<String> refs(String query) throws Exception {
        HttpResponse<String> r = post("refs?" + query);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("1", r.headers().firstValue("X-Chunked-Output").orElseThrow(), query);
        List<String> out = new ArrayList<>();
        for (String line : r.body().lines().toList()) {
            assertTrue(line.startsWith("{\"Ref\":\"") && line.endsWith("\",\"Err\":\"\"}"), line);
            out.add(line.substring(8, line.length() - 11));
        }
        return out;
    }

    private static List<String> text(Cid... cids) {
        return java.util.Arrays.stream(cids).map(Cid::toString).toList();
    }

    private static String quoted(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void refsFollowKubosDepthAndUniqueRules() throws Exception {
        assertEquals(text(a, big, sub), refs("arg=" + root));
        List<String> all = new ArrayList<>(text(a, big));
        all.addAll(text(chunks.toArray(Cid[]::new)));
        all.addAll(text(sub, b, a));
        assertEquals(all, refs("arg=" + root + "&recursive=true"));
        assertEquals(all.subList(0, all.size() - 1), refs("arg=" + root + "&r=true&u=true"), "dup.txt is a.txt");
        assertEquals(text(a, big, sub), refs("arg=" + root + "&max-depth=5"), "max-depth needs recursive");
        assertEquals(text(a, big, sub), refs("arg=" + root + "&recursive=true&max-depth=1"));
        assertEquals(List.of(), refs("arg=" + root + "&recursive=true&max-depth=0"));
        assertEquals(all, refs("arg=" + root + "&recursive=true&max-depth=2"));

        // unique with a limit: sub is met first at depth 2 (not explored), then at depth 1, where it
        // is explored but not printed again
        Cid deep = put(Codecs.standard().encode(Multicodec.DAG_CBOR, MapNode.of("x", Node.of(sub))));
        Cid top = put(Codecs.standard().encode(Multicodec.DAG_CBOR, MapNode.of("a", Node.of(deep), "b", Node.of(sub))));
        assertEquals(text(deep, sub, b, a), refs("arg=" + top + "&recursive=true&unique=true&max-depth=2"));
        assertEquals(text(deep, sub), refs("arg=" + top + "&recursive=true&unique=true&max-depth=1"));
        assertEquals(text(deep, sub, b, a), refs("arg=" + top + "&recursive=true&unique=true"));

        // unique over several arguments: what the first printed is not printed again
        assertEquals(text(b, a, big, sub), refs("arg=/ipfs/" + root + "/sub&arg=" + root + "&unique=true"));
    }

    @Test
    void formatsAndEdgesAreKubos() throws Exception {
        assertEquals(List.of(root + " -\\u003e " + a, root + " -\\u003e " + big, root + " -\\u003e " + sub),
                refs("arg=" + root + "&edges=true"), "Go's JSON escapes >");
        assertEquals(List.of("a.txt:" + a, "big.bin:" + big, "sub:" + sub),
                refs("arg=" + root + "&format=" + quoted("<linkname>:<dst>")));
        assertEquals(text(a, big, sub), refs("arg=" + root + "&format="), "an empty format is the target");
        assertEquals(text(a, big, sub), refs("arg=" + root + "&e=true&format=" + quoted("<dst>")).stream()
                .map(s -> s.substring(s.lastIndexOf(' ') + 1)).toList(), "the default format goes with edges");

        HttpResponse<String> both = post("refs?arg=" + root + "&edges=true&format=x");
        assertEquals(500, both.statusCode());
        assertEquals("{\"Message\":\"using format argument with edges is not allowed\",\"Code\":0,\"Type\":\"error\"}\n",
                both.body());
        HttpResponse<String> text = post("refs?arg=" + root + "&enc=text&unique=true");
        assertEquals("text/plain", text.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(a + "\n" + big + "\n" + sub + "\n", text.body());
    }

    @Test
    void eachCodecListsItsLinksInItsOwnOrder() throws Exception {
        // DAG-CBOR's keys length first (a, b, c, e, zz); DAG-JSON's by bytes (bb, c); raw has no links
        assertEquals(text(a, raw, raw, sub, root), refs("arg=" + cbor));
        assertEquals(List.of(cbor + "::" + a, cbor + "::" + raw), refs("arg=" + cbor + "&format="
                + quoted("<src>:<linkname>:<dst>")).subList(0, 2), "no link names outside DAG-PB");
        assertEquals(text(a, raw), refs("arg=" + json));
        assertEquals(List.of(), refs("arg=" + raw));
        assertEquals(text(a, big, sub), refs("arg=/ipfs/" + cbor + "/zz"));
        assertEquals(refs("arg=" + cbor), refs("arg=/ipfs/" + cbor + "/c"), "a path inside a block lists the block");

        // a HAMT directory is DAG-PB: its shards and entries, named by their hash prefix
        List<String> named = refs("arg=" + hamt + "&format=" + quoted("<linkname>"));
        assertTrue(!named.isEmpty() && named.stream().allMatch(n -> n.matches("[0-9A-F](entry-\\d+)?")), named.toString());
        List<String> walked = new ArrayList<>();
        new DagTraversal(repo.blocks().local(), RepoOption.codecs(true)).walk(hamt, block -> walked.add(block.cid().toString()));
        assertEquals(walked.subList(1, walked.size()), refs("arg=" + hamt + "&recursive=true&unique=true"),
                "every block under the root once, depth first");
    }

    @Test
    void aFailedWalkIsAnErrValueAndTheNextArgumentGoesOn() throws Exception {
        Cid broken = put(Codecs.standard().encode(Multicodec.DAG_CBOR,
                MapNode.of("a", Node.of(sub), "b", Node.of(MISSING))));
        HttpResponse<String> r = post("refs?offline=true&arg=" + broken + "&arg=" + MISSING + "&arg=" + raw + "&arg=" + sub);
        assertEquals(200, r.statusCode());
        assertEquals("{\"Ref\":\"" + sub + "\",\"Err\":\"\"}\n"
                + "{\"Ref\":\"\",\"Err\":\"failed to fetch all nodes\"}\n"
                + "{\"Ref\":\"\",\"Err\":\"block was not found locally (offline): ipld: could not find " + MISSING + "\"}\n"
                + "{\"Ref\":\"" + b + "\",\"Err\":\"\"}\n{\"Ref\":\"" + a + "\",\"Err\":\"\"}\n", r.body());

        // with enc=text Kubo's encoder stops at the error, which goes in the trailer
        InetSocketAddress address = node.apiAddress().orElseThrow();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v0/refs?offline=true&enc=text&arg=" + broken + "&arg=" + sub + " HTTP/1.1\r\nHost: x\r\n"
                    + "TE: trailers\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("\r\n" + sub + "\n"), response);
            assertTrue(!response.contains(b.toString()), "nothing after the error: " + response);
            int end = response.indexOf("\r\n0\r\n");
            assertTrue(end > 0 && response.indexOf("X-Stream-Error: failed to fetch all nodes", end) > end, response);
        }
    }

    @Test
    void badArgumentsFailBeforeAnyOutput() throws Exception {
        assertEquals("argument \"ipfs-path\" is required\n", post("refs").body());
        assertEquals("{\"Message\":\"invalid path \\\"/ipfs/bafybad\\\": invalid cid: invalid cid: varints malformed, could "
                + "not reach the end\",\"Code\":0,\"Type\":\"error\"}\n", post("refs?arg=" + sub + "&arg=/ipfs/bafybad").body());
        assertTrue(post("refs?arg=foo").body().contains("invalid path \\\"foo\\\": path does not have enough components"));
        assertTrue(post("refs?arg=/ipfs/" + root + "/nope").body().contains("no link named \\\"nope\\\" under " + root));
    }

    @Test
    void refsLocalListsEveryBlockAsARawCidV1() throws Exception {
        Set<String> expected = new HashSet<>();
        for (Cid c : List.of(root, cbor, json, hamt)) {
            new DagTraversal(repo.blocks().local(), RepoOption.codecs(true)).walk(c,
                    block -> expected.add(Cid.v1(Multicodec.RAW, block.cid().multihash()).toString()));
        }
        Set<String> listed = new HashSet<>(post("refs/local").body().lines().map(l -> l.substring(8, l.length() - 11)).toList());
        assertTrue(listed.containsAll(expected), "every block of the DAGs added: " + listed.size());
        assertEquals(repo.blocks().count(), listed.size());
        assertTrue(listed.stream().allMatch(c -> c.startsWith("bafk")), listed.toString());
        assertEquals(listed, post("refs/local?enc=text").body().lines().collect(Collectors.toSet()));
    }

    @Test
    void refsAndResolveFetchWhatIsElsewhere(@TempDir Path other) throws Exception {
        Repository.init(other.resolve("repo"), RepoConfig.defaults());
        try (io.p2pkit.node.Node holder = io.p2pkit.node.Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(other.resolve("repo"))).build())) {
            Path tree = Files.createDirectories(other.resolve("far/deep"));
            Files.writeString(tree.resolve("y.txt"), "only over there\n");
            byte[] bytes = new byte[700_000];
            new Random(9).nextBytes(bytes);
            Files.write(other.resolve("far/z.bin"), bytes);
            Repository theirs = holder.content().orElseThrow().repository();
            Cid far = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(theirs.blocks())).importPath(other.resolve("far")).root();
            List<String> walked = new ArrayList<>();
            new DagTraversal(theirs.blocks().local(), RepoOption.codecs(true)).walk(far, block -> walked.add(block.cid().toString()));

            HttpResponse<String> offline = post("refs?offline=true&arg=" + far);
            assertEquals("{\"Ref\":\"\",\"Err\":\"block was not found locally (offline): ipld: could not find " + far + "\"}\n",
                    offline.body());
            node.host().connect(new io.p2pkit.core.host.PeerInfo(holder.peerId(), holder.host().addresses()));
            assertEquals(walked.subList(1, walked.size()), refs("arg=" + far + "&recursive=true&unique=true"),
                    "every block under the root, fetched over Bitswap");
            assertTrue(repo.blocks().local().has(far.multihash()), "the fetched blocks are kept");
            String y = walked.get(2);
            assertEquals("/ipfs/" + y, resolved("/ipfs/" + far + "/deep/y.txt"));
        }
    }

    private static String resolved(String arg) throws Exception {
        HttpResponse<String> r = post("resolve?arg=" + quoted(arg));
        assertEquals(200, r.statusCode(), arg + ": " + r.body());
        String body = r.body().strip();
        assertTrue(body.startsWith("{\"Path\":\"") && body.endsWith("\"}"), body);
        return body.substring(9, body.length() - 2);
    }

    private static String failure(String arg) throws Exception {
        HttpResponse<String> r = post("resolve?arg=" + quoted(arg));
        assertEquals(500, r.statusCode(), arg + ": " + r.body());
        String body = r.body().strip();
        assertTrue(body.startsWith("{\"Message\":\"") && body.endsWith("\",\"Code\":0,\"Type\":\"error\"}"), body);
        return body.substring(12, body.length() - 26).replace("\\\"", "\"");
    }

    @Test
    void pathsResolveToTheirLastBlockWrittenAsKubo() throws Exception {
        assertEquals("/ipfs/" + root, resolved(root.toString()));
        assertEquals("/ipfs/" + MISSING, resolved("/ipfs/" + MISSING), "a bare CID is not read");
        assertEquals("/ipfs/" + b, resolved("/ipfs/" + root + "/sub/b.txt"));
        assertEquals("/ipfs/" + sub, resolved("//ipfs/" + root + "/sub/../sub/"), "cleaned as boxo cleans it");
        assertEquals("/ipfs/" + b, resolved(root + "/sub/b.txt"));
        // a CIDv1 argument: its multibase, and a CIDv0 result upgraded
        assertEquals("/ipfs/" + a.toV1(), resolved("/ipfs/" + cbor + "/a/0"));
        assertEquals("/ipfs/" + sub.toV1(), resolved("/ipfs/" + cbor + "/zz/sub"));
        String base58 = cbor.toString(Multibase.Encoding.BASE58_BTC);
        assertEquals("/ipfs/" + a.toV1().toString(Multibase.Encoding.BASE58_BTC), resolved("/ipfs/" + base58 + "/a/0"));
        // what is left inside a DAG-CBOR block stays a path
        assertEquals("/ipfs/" + cbor + "/c/n", resolved("/ipfs/" + cbor + "/c/n"));
        assertEquals("/ipfs/" + cbor + "/a", resolved("/ipfs/" + cbor + "/a"));
        assertEquals("/ipld/" + cbor + "/c", resolved("/ipld/" + cbor + "/c"));
        assertEquals("/ipfs/" + raw, resolved("/ipfs/" + json + "/c"));
        assertEquals("/ipfs/" + b + "\n", post("resolve?enc=text&arg=/ipfs/" + root + "/sub/b.txt").body());
    }

    @Test
    void pathsThatLeadNowhereFailWithKubosWords() throws Exception {
        assertEquals("no link named \"nope\" under " + root, failure("/ipfs/" + root + "/nope"));
        assertEquals("key not found: \"nope\"", failure("/ipfs/" + cbor + "/nope"));
        assertEquals("key not found: \"5\"", failure("/ipfs/" + cbor + "/a/5"));
        assertEquals("invalid segment for lookup on a list: \"x\": strconv.ParseInt: parsing \"x\": invalid syntax",
                failure("/ipfs/" + cbor + "/a/x"));
        assertEquals("key not found: \"x\"", failure("/ipfs/" + cbor + "/e/x"));
        // a segment before the last that is not there: boxo's selector stops there
        assertEquals("no link named \"x\" under " + cbor, failure("/ipfs/" + cbor + "/c/n/x/y"));
        assertEquals("no link named \"nope\" under " + root, failure("/ipfs/" + root + "/nope/deeper"));
        assertEquals("no link named \"x\" under " + a, failure("/ipfs/" + root + "/a.txt/x/y"));
        assertEquals("func called on wrong kind: \"LookupBySegment\" called on a int node (kind: int), but only makes "
                + "sense on map or list", failure("/ipfs/" + cbor + "/c/n/x"));
        assertEquals("func called on wrong kind: \"LookupBySegment\" called on a bytes node (kind: bytes), but only "
                + "makes sense on map or list", failure("/ipfs/" + raw + "/x"));
        assertEquals("func called on wrong kind: \"LookupBySegment\" called on a data.Bytes node (kind: bytes), but only "
                + "makes sense on map or list", failure("/ipfs/" + root + "/a.txt/x"));
        assertEquals("func called on wrong kind: \"\" called on a INVALID node, but only makes sense on <empty KindSet>",
                failure("/ipfs/" + root + "/big.bin/0").replace("\\u003c", "<").replace("\\u003e", ">"));
        assertEquals("invalid path \"/ipfs/bafybad\": invalid cid: invalid cid: varints malformed, could not reach the end",
                failure("/ipfs/bafybad"));
        assertEquals("invalid path \"/ipfs/b1\": invalid cid: illegal base32 data at input byte 0", failure("/ipfs/b1"));
        assertEquals("invalid path \"/ipfs/x\": invalid cid: cid too short", failure("/ipfs/x"));
        assertEquals("invalid path \"/ipfs/nonsense\": invalid cid: selected encoding not supported", failure("/ipfs/nonsense"));
        String cut = root.toString().substring(0, 45) + "0";
        assertEquals("invalid path \"/ipfs/" + cut + "\": invalid cid: input isn't valid multihash", failure("/ipfs/" + cut));
        String shorter = cbor.toString().substring(0, cbor.toString().length() - 2);
        assertEquals("invalid path \"/ipfs/" + shorter + "\": invalid cid: invalid cid: length greater than remaining "
                + "number of bytes in buffer", failure("/ipfs/" + shorter));
        assertEquals("invalid path \"foo\": path does not have enough components", failure("foo"));
        assertEquals("invalid path \"/ipfs/\": path does not have enough components", failure("/ipfs/"));
        assertEquals("invalid path \"/foo/bar\": unknown namespace: \"foo\"", failure("/foo/bar"));
        assertTrue(post("resolve?offline=true&arg=/ipfs/" + MISSING + "/x").body().contains(
                "block was not found locally (offline): ipld: could not find " + MISSING));
    }

    @Test
    void ipnsNamesResolveThroughTheirRecords() throws Exception {
        String name = node.peerId().toString(Multibase.Encoding.BASE36);
        HttpResponse<String> published = post("name/publish?arg=" + quoted("/ipfs/" + root + "/sub"));
        assertEquals(200, published.statusCode(), published.body());
        assertEquals("/ipfs/" + sub, resolved("/ipns/" + name));
        assertEquals("/ipfs/" + b, resolved("/ipns/" + name + "/b.txt"));
        HttpResponse<String> oneStep = post("resolve?recursive=false&arg=/ipns/" + name);
        assertEquals("{\"Path\":\"/ipfs/" + root + "/sub\"}\n", oneStep.body(), "the name's value as it is");
        assertEquals(text(b, a), refs("arg=/ipns/" + name));
        assertEquals("could not resolve name", failure("/ipns/" + router.peerId().toString(Multibase.Encoding.BASE36)));
        assertEquals("invalid path \"/ipns/\": path does not have enough components", failure("/ipns/"));
        HttpResponse<String> badTimeout = post("resolve?recursive=false&dht-timeout=-1s&arg=/ipns/" + name);
        assertEquals("{\"Message\":\"DHT timeout value must be \\u003e= 0\",\"Code\":0,\"Type\":\"error\"}\n", badTimeout.body());
    }
}
