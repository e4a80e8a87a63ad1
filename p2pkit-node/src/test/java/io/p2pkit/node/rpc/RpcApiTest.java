package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RPC API over an in-JVM node with a repository: the framework's answers and the content commands. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcApiTest {
    private static final String BOUNDARY = "b0undary42";

    @TempDir
    static Path dir;
    private static Node node;
    private static HttpClient client;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
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

    private static HttpResponse<String> upload(String command, byte[] multipart) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api + command))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart body as Kubo's client writes it: {type, filename, data} triples. */
    private static byte[] multipart(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i += 3) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + parts[i + 1] + "\"\r\nContent-Type: " + parts[i] + "\r\n\r\n" + parts[i + 2] + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)); // one byte per char: binary bodies pass as they are
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static final String FILE = "application/octet-stream";
    private static final String DIR = "application/x-directory";

    @Test
    void versionAndIdAnswerOneJsonValue() throws Exception {
        HttpResponse<String> version = post("version");
        assertEquals(200, version.statusCode());
        assertEquals("application/json", version.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("X-Stream-Error", version.headers().firstValue("Trailer").orElseThrow());
        assertTrue(version.headers().firstValue("X-Chunked-Output").isEmpty());
        assertTrue(version.body().matches("\\{\"Version\":\"[^\"]+\",\"Commit\":\"\",\"Repo\":\"\\d+\",\"System\":\"[^\"]+/[^\"]+\","
                + "\"Golang\":\"[^\"]+\"}\n"), version.body());

        HttpResponse<String> id = post("id");
        assertTrue(id.body().startsWith("{\"ID\":\"" + node.peerId() + "\",\"PublicKey\":\""), id.body());
        assertTrue(id.body().contains("/p2p/" + node.peerId() + "\""), id.body());
        assertTrue(id.body().contains("\"Protocols\":[") && id.body().contains("/ipfs/bitswap"), id.body());
    }

    @Test
    void requestsThatNameNoCommandOrCannotBeParsedGetGoPlainErrors() throws Exception {
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(api + "version")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("405 - Method Not Allowed\n", get.body());
        assertEquals("OPTIONS, POST", get.headers().firstValue("Allow").orElseThrow());

        HttpResponse<String> unknown = post("no-such-command");
        assertEquals(404, unknown.statusCode());
        assertEquals("404 page not found\n", unknown.body());
        assertEquals(404, post("block").statusCode(), "a group is not a command");
        assertEquals(404, post("block/nope/deeper").statusCode());

        HttpResponse<String> badOption = post("cat?arg=x&offset=abc");
        assertEquals(400, badOption.statusCode());
        assertEquals("could not convert value \"abc\" to type \"int64\" (for option \"-offset\")\n", badOption.body());
        assertTrue(badOption.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));

        HttpResponse<String> missing = post("block/stat");
        assertEquals(400, missing.statusCode());
        assertEquals("argument \"cid\" is required\n", missing.body());

        assertEquals("expected key offset to have only a single value, received [1 2]\n",
                post("cat?arg=x&offset=1&offset=2").body());
        assertEquals("file argument 'data' is required\n", post("block/put").body());
        assertEquals("invalid encoding: xml\n", post("version?encoding=xml").body());
        assertEquals(400, post("version?timeout=soon").statusCode());

        HttpResponse<String> big = client.send(HttpRequest.newBuilder(URI.create(api + "version"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) RpcHandler.MAX_PLAIN_BODY + 1])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, big.statusCode(), big.body());
    }

    @Test
    void commandFailuresAreKubosJsonErrorValues() throws Exception {
        HttpResponse<String> bad = post("block/stat?arg=not-a-cid");
        assertEquals(500, bad.statusCode());
        assertEquals("application/json", bad.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(bad.body().startsWith("{\"Message\":\"") && bad.body().endsWith("\",\"Code\":0,\"Type\":\"error\"}\n"),
                bad.body());
        assertFalse(bad.body().contains("Exception") || bad.body().contains("\tat "), bad.body());

        HttpResponse<String> malformed = client.send(HttpRequest.newBuilder(URI.create(api + "add"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString("--" + BOUNDARY + "\r\nbroken header\r\n\r\nx")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, malformed.statusCode(), malformed.body());
        assertTrue(malformed.body().contains("\"Code\":1,\"Type\":\"error\""), malformed.body());
    }

    @Test
    void addTakesATreeAndGivesKubosEventsAndTheCidsOfTheImporter(@TempDir Path tree) throws Exception {
        Files.createDirectories(tree.resolve("d/sub"));
        Files.writeString(tree.resolve("d/a.txt"), "alpha\n");
        Files.writeString(tree.resolve("d/sub/b.txt"), "beta beta\n");
        String expected = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.NONE).importPath(tree.resolve("d")).root()
                .toString();

        HttpResponse<String> add = upload("add?progress=true&stream-channels=true", multipart(
                DIR, "d", "", FILE, "d%2Fa.txt", "alpha\n", DIR, "d%2Fsub", "", FILE, "d%2Fsub%2Fb.txt", "beta beta\n"));
        assertEquals(200, add.statusCode(), add.body());
        assertEquals("1", add.headers().firstValue("X-Chunked-Output").orElseThrow());
        List<String> lines = add.body().lines().toList();
        assertTrue(lines.contains("{\"Name\":\"d/a.txt\",\"Bytes\":6}"), add.body());
        assertTrue(lines.getLast().startsWith("{\"Name\":\"d\",\"Hash\":\"" + expected + "\",\"Size\":\""), add.body());
        int a = indexOf(lines, "\"Name\":\"d/a.txt\",\"Hash\"");
        int sub = indexOf(lines, "\"Name\":\"d/sub\",\"Hash\"");
        int b = indexOf(lines, "\"Name\":\"d/sub/b.txt\",\"Hash\"");
        assertTrue(a >= 0 && b > a && sub > b, "files first, then directories in post-order: " + add.body());

        HttpResponse<String> cat = post("cat?arg=/ipfs/" + expected + "/sub/b.txt&offset=5");
        assertEquals("beta\n", cat.body());
        assertEquals("1", cat.headers().firstValue("X-Stream-Output").orElseThrow());
        assertEquals("5", cat.headers().firstValue("X-Content-Length").orElseThrow());
        assertEquals("text/plain", cat.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<String> ls = post("ls?arg=" + expected);
        assertTrue(ls.body().startsWith("{\"Objects\":[{\"Hash\":\"" + expected + "\",\"Links\":[{\"Name\":\"a.txt\","), ls.body());
        assertTrue(ls.body().contains("{\"Name\":\"sub\",\"Hash\":\""), ls.body());
        assertTrue(ls.body().contains("\"Size\":6,\"Type\":2,\"Target\":\"\""), ls.body());

        assertEquals("{\"Keys\":{\"" + expected + "\":{\"Type\":\"recursive\",\"Name\":\"\"}}}\n",
                post("pin/ls?arg=" + expected).body());
        assertEquals("{\"Pins\":[\"" + expected + "\"]}\n", post("pin/rm?arg=" + expected).body());
        assertEquals(500, post("pin/ls?arg=" + expected).statusCode());
        assertEquals("{\"Pins\":[\"" + expected + "\"]}\n", post("pin/add?arg=" + expected).body());

        HttpResponse<byte[]> tar = client.send(HttpRequest.newBuilder(URI.create(api + "get?arg=" + expected))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, tar.statusCode());
        assertEquals(List.of(expected, expected + "/a.txt", expected + "/sub", expected + "/sub/b.txt"),
                tarNames(tar.body()));
        HttpResponse<byte[]> gzip = client.send(HttpRequest.newBuilder(URI.create(api + "get?archive=true&compress=true&arg="
                + expected)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))) {
            assertArrayEquals(tar.body(), in.readAllBytes(), "the same tar, gzipped");
        }

        HttpResponse<String> dir = post("cat?arg=" + expected);
        assertEquals(500, dir.statusCode());
        assertTrue(dir.body().contains("this dag node is a directory"), dir.body());
    }

    /** The entry names of a tar archive, checking each header's checksum and skipping the data. */
    private static List<String> tarNames(byte[] tar) {
        List<String> names = new java.util.ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += i >= 148 && i < 156 ? ' ' : tar[at + i] & 0xff;
            }
            assertEquals(Long.parseLong(new String(tar, at + 148, 6, StandardCharsets.US_ASCII), 8), sum, "checksum");
            int end = at;
            while (end < at + 100 && tar[end] != 0) {
                end++;
            }
            names.add(new String(tar, at, end - at, StandardCharsets.UTF_8));
            long size = Long.parseLong(new String(tar, at + 124, 11, StandardCharsets.US_ASCII), 8);
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        assertEquals(tar.length, at + 1024, "two empty blocks end it");
        return names;
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void addOptionsChangeTheDagAsTheImporterDoes() throws Exception {
        String data = "x".repeat(3000);
        ImportOptions v1 = ImportOptions.UNIXFS_V0_2015.toBuilder().cidVersion(1).rawLeaves(true).chunker("size-1000")
                .wrapWithDirectory(true).build();
        String expected = new Importer(v1, BlockSink.NONE).importStream(
                new java.io.ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)), "f.txt").root().toString();
        HttpResponse<String> add = upload("add?cid-version=1&raw-leaves=true&chunker=size-1000&w=true&only-hash=true",
                multipart(FILE, "f.txt", data));
        assertEquals(200, add.statusCode(), add.body());
        assertTrue(add.body().lines().toList().getLast().startsWith("{\"Name\":\"\",\"Hash\":\"" + expected + "\""),
                add.body());
        assertEquals(500, post("block/stat?arg=" + expected + "&offline=true").statusCode(),
                "only-hash stores nothing (offline: block/stat would otherwise look for it on the network)");
    }

    @Test
    void filesOfSeveralMiBInOneUploadEachGetTheImportersCid() throws Exception {
        // past a file's first MiB its leaves are cut by worker threads: they must stop at the part's end
        byte[] first = new byte[5 * 1024 * 1024 + 7];
        byte[] second = new byte[3 * 1024 * 1024];
        new java.util.Random(1).nextBytes(first);
        new java.util.Random(2).nextBytes(second);
        for (String options : List.of("", "&cid-version=1&raw-leaves=true&chunker=size-1048576")) {
            ImportOptions o = options.isEmpty() ? ImportOptions.UNIXFS_V0_2015
                    : ImportOptions.UNIXFS_V0_2015.toBuilder().cidVersion(1).rawLeaves(true).chunker("size-1048576").build();
            HttpResponse<String> add = upload("add?only-hash=true" + options, multipart(
                    FILE, "first.bin", new String(first, StandardCharsets.ISO_8859_1),
                    FILE, "second.bin", new String(second, StandardCharsets.ISO_8859_1)));
            assertEquals(200, add.statusCode(), add.body());
            for (Object[] f : new Object[][] {{"first.bin", first}, {"second.bin", second}}) {
                String cid = new Importer(o, BlockSink.NONE).importStream(new java.io.ByteArrayInputStream((byte[]) f[1]), "")
                        .root().toString();
                assertTrue(add.body().contains("{\"Name\":\"" + f[0] + "\",\"Hash\":\"" + cid + "\""),
                        f[0] + " " + options + ": " + add.body());
            }
        }
    }

    @Test
    void catOfAFileOfManyLeavesGivesItsBytesAndItsRanges() throws Exception {
        // leaves below the root are read into direct buffers and go to the socket from there
        byte[] data = new byte[3 * 256 * 1024 + 12_345];
        new java.util.Random(3).nextBytes(data);
        HttpResponse<String> add = upload("add?pin=false", multipart(FILE, "leaves.bin", new String(data, StandardCharsets.ISO_8859_1)));
        assertEquals(200, add.statusCode(), add.body());
        String cid = add.body().substring(add.body().indexOf("\"Hash\":\"") + 8, add.body().indexOf("\",\"Size"));
        for (long[] range : new long[][] {{0, -1}, {256 * 1024 - 10, 20}, {100, 600_000}, {data.length - 5, 100}, {data.length, -1}}) {
            String query = "cat?arg=" + cid + "&offset=" + range[0] + (range[1] < 0 ? "" : "&length=" + range[1]);
            HttpResponse<byte[]> cat = client.send(HttpRequest.newBuilder(URI.create(api + query))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, cat.statusCode(), query);
            int from = (int) Math.min(range[0], data.length);
            int to = range[1] < 0 ? data.length : (int) Math.min(data.length, from + range[1]);
            assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(data, from, to), cat.body()), query);
            assertEquals(Integer.toString(to - from), cat.headers().firstValue("X-Content-Length").orElseThrow(), query);
        }
    }

    @Test
    void blocksAndDagNodesGoInAndOut() throws Exception {
        HttpResponse<String> put = upload("block/put?cid-codec=raw", multipart(FILE, "", "hello block"));
        assertTrue(put.body().matches("\\{\"Key\":\"bafkrei[a-z2-7]+\",\"Size\":11}\n"), put.body());
        String cid = put.body().substring(8, put.body().indexOf("\",\"Size"));
        assertEquals("{\"Key\":\"" + cid + "\",\"Size\":11}\n", post("block/stat?arg=" + cid).body());
        HttpResponse<String> get = post("block/get?arg=" + cid);
        assertEquals("hello block", get.body());
        assertEquals("1", get.headers().firstValue("X-Stream-Output").orElseThrow());
        // not Kubo 0.40's application/vnd.ipld.raw: Kubo 0.39's client cannot read it (StdinArgsKuboInteropTest)
        assertEquals("text/plain", get.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"Hash\":\"" + cid + "\"}\n", post("block/rm?arg=" + cid).body());
        assertEquals(500, post("block/stat?arg=" + cid + "&offline=true").statusCode());

        HttpResponse<String> dag = upload("dag/put", multipart(FILE, "", "{\"hello\":\"world\",\"n\":[1,2]}"));
        assertTrue(dag.body().matches("\\{\"Cid\":\\{\"/\":\"bafyrei[a-z2-7]+\"}}\n"), dag.body());
        String node = dag.body().substring(13, dag.body().indexOf("\"}}"));
        assertEquals("{\"hello\":\"world\",\"n\":[1,2]}", post("dag/get?arg=" + node).body());
        assertEquals("2", post("dag/get?arg=" + node + "/n/1").body());
        assertTrue(post("dag/stat?progress=false&arg=" + node).body().matches("\\{\"UniqueBlocks\":1,\"TotalSize\":(\\d+),"
                + "\"Ratio\":1,\"DagStats\":\\[\\{\"Cid\":\"" + node + "\",\"Size\":\\1,\"NumBlocks\":1}]}\n"));
        HttpResponse<byte[]> car = client.send(HttpRequest.newBuilder(URI.create(api + "dag/export?arg=" + node))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, car.statusCode());
        try (var reader = io.p2pkit.ipfs.car.CarReader.open(new java.io.ByteArrayInputStream(car.body()))) {
            assertEquals(node, reader.roots().getFirst().toString());
            assertEquals(node, reader.next().orElseThrow().cid().toString());
            assertTrue(reader.next().isEmpty());
        }

        String imported = upload("dag/import?stats=true", multipart(FILE, "", new String(car.body(),
                StandardCharsets.ISO_8859_1))).body();
        assertTrue(imported.matches("\\{\"Root\":\\{\"Cid\":\\{\"/\":\"" + node + "\"},\"PinErrorMsg\":\"\"}}\n"
                + "\\{\"Stats\":\\{\"BlockCount\":1,\"BlockBytesCount\":\\d+}}\n"), imported);
        assertEquals("{\"Keys\":{\"" + node + "\":{\"Type\":\"recursive\",\"Name\":\"\"}}}\n", post("pin/ls?arg=" + node).body());
        post("pin/rm?arg=" + node);

        HttpResponse<String> stat = post("repo/stat");
        assertTrue(stat.body().matches("\\{\"RepoSize\":\\d+,\"StorageMax\":\\d+,\"NumObjects\":\\d+,\"RepoPath\":\"[^\"]+\","
                + "\"Version\":\"p2pkit-repo@\\d+\"}\n"), stat.body());
        HttpResponse<String> gc = post("repo/gc");
        assertEquals(200, gc.statusCode());
        assertTrue(gc.body().contains("{\"Key\":{\"/\":\""), "the unpinned dag node goes: " + gc.body());
    }

    @Test
    void swarmCommandsConnectListAndDisconnectPeers() throws Exception {
        try (Node other = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build())) {
            String address = other.addresses().getFirst() + "/p2p/" + other.peerId();
            assertEquals("{\"Strings\":[\"connect " + other.peerId() + " success\"]}\n", post("swarm/connect?arg=" + address).body());
            HttpResponse<String> peers = post("swarm/peers");
            assertTrue(peers.body().contains("\"Peer\":\"" + other.peerId() + "\""), peers.body());
            assertTrue(peers.body().startsWith("{\"Peers\":[{\"Addr\":\"/ip4/127.0.0.1/tcp/"), peers.body());
            assertTrue(post("swarm/addrs").body().contains(other.peerId().toString()));
            assertEquals("{\"Strings\":[\"disconnect " + other.peerId() + " success\"]}\n",
                    post("swarm/disconnect?arg=" + address).body());
            io.p2pkit.testing.Await.until("the connection is gone",
                    () -> node.host().network().connections(other.peerId()).isEmpty(), java.time.Duration.ofSeconds(10));
        }
        assertTrue(post("swarm/addrs/local?id=true").body().contains("/p2p/" + node.peerId()));
        assertEquals(500, post("swarm/connect?arg=/ip4/127.0.0.1/tcp/1").statusCode(), "no peer ID");
    }

    @Test
    void pathsThatDoNotResolveFailWithKubosWords() throws Exception {
        assertTrue(post("cat?arg=nonsense").body().contains("invalid path \\\"nonsense\\\": path does not have enough components"));
        HttpResponse<String> put = upload("add?pin=false", multipart(DIR, "x", "", FILE, "x%2Fy", "y"));
        String root = put.body().lines().toList().getLast().split("\"")[7];
        assertTrue(post("cat?arg=/ipfs/" + root + "/nope").body().contains("no link named \\\"nope\\\" under " + root));
    }

    @Test
    void anErrorAfterTheOutputStartedIsSentAsTheXStreamErrorTrailer() throws Exception {
        InetSocketAddress address = node.apiAddress().orElseThrow();
        // the first file is added and reported, then the body breaks off inside the second part
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"one\"\r\n"
                + "Content-Type: " + FILE + "\r\n\r\nfirst\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; "
                + "name=\"file\"; filename=\"two\"\r\n\r\nsecond and no end";
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v0/add?only-hash=true HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("\"Name\":\"one\",\"Hash\""), response);
            int end = response.indexOf("\r\n0\r\n");
            assertTrue(end > 0 && response.indexOf("X-Stream-Error: ", end) > end, "a trailer after the last chunk: "
                    + response);
        }
    }
}
