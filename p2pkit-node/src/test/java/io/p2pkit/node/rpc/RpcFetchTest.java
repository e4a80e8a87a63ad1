package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands on content the node does not hold fetch it over Bitswap first, as a Kubo node online,
 * and {@code bitswap/stat|ledger|wantlist} show it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcFetchTest {
    @Test
    void catPinAndDagExportFetchWhatIsElsewhere(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        byte[] data = new byte[1_500_000];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("data.bin");
        Files.write(file, data);
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("a"))).build())) {
            String cid = new Importer(ImportOptions.UNIXFS_V0_2015,
                    BlockSink.of(a.content().orElseThrow().repository().blocks())).importPath(file).root().toString();
            try (Node b = nodeB(dir, a);
                 HttpClient client = HttpClient.newHttpClient()) {
                String api = HttpAddress.url(b.apiAddress().orElseThrow()) + "/api/v0/";
                HttpResponse<byte[]> cat = client.send(HttpRequest.newBuilder(URI.create(api + "cat?arg=" + cid))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, cat.statusCode());
                assertArrayEquals(data, cat.body());
                assertTrue(b.content().orElseThrow().repository().blocks().local()
                        .has(io.p2pkit.core.multiformats.Cid.parse(cid).multihash()), "the fetched blocks are kept");

                HttpResponse<String> stat = client.send(HttpRequest.newBuilder(URI.create(api + "bitswap/stat"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(stat.body().strip().matches(".*\"BlocksReceived\":[1-9].*") && stat.body().contains(a.peerId().toString()),
                        stat.body());
                HttpResponse<String> ledger = client.send(HttpRequest.newBuilder(URI.create(api + "bitswap/ledger?arg="
                        + a.peerId())).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(ledger.body().strip().matches(".*\"Recv\":[1-9][0-9]{5,}.*"), "over 1.5 MB received from A: " + ledger.body());
                HttpResponse<String> wants = client.send(HttpRequest.newBuilder(URI.create(api + "bitswap/wantlist"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("{\"Keys\":[]}", wants.body().strip(), "nothing wanted once everything came");

                HttpResponse<String> pin = client.send(HttpRequest.newBuilder(URI.create(api + "pin/add?arg=" + cid))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("{\"Pins\":[\"" + cid + "\"]}", pin.body().strip());
            }
        }
    }

    /** Kubo's {@code bitswap/wantlist --peer}: what a peer asked this node for and has not had yet. */
    @Test
    void aPeersWantlistIsWhatItAskedForAndHasNotHad(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        io.p2pkit.ipfs.block.Block missing = io.p2pkit.ipfs.block.Block.create(io.p2pkit.core.multiformats.Multicodec.RAW,
                io.p2pkit.core.multiformats.Multicodec.SHA2_256, "nobody has it yet".getBytes());
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("a")))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
             Node b = nodeB(dir, a);
             HttpClient client = HttpClient.newHttpClient()) {
            String apiA = HttpAddress.url(a.apiAddress().orElseThrow()) + "/api/v0/";
            java.util.concurrent.CompletableFuture<java.util.Optional<byte[]>> fetch = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return b.content().orElseThrow().bitswap().fetch(missing.cid(), java.time.Duration.ofSeconds(30));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    });
            String want = "{\"Keys\":[{\"/\":\"" + missing.cid() + "\"}]}";
            String wantsOfB = apiA + "bitswap/wantlist?peer=" + b.peerId();
            io.p2pkit.testing.Await.until("A holds B's want", () -> body(client, wantsOfB).equals(want),
                    java.time.Duration.ofSeconds(20));
            assertEquals("{\"Keys\":[]}", post(client, apiA + "bitswap/wantlist").body().strip(), "A itself wants nothing");
            assertEquals("{\"Keys\":[]}", post(client, apiA + "bitswap/wantlist?peer=" + a.peerId()).body().strip(),
                    "its own ID is its own wantlist, as Kubo's");
            HttpResponse<String> bad = post(client, apiA + "bitswap/wantlist?peer=nope");
            assertEquals(500, bad.statusCode());
            assertTrue(bad.body().contains("failed to parse peer ID"), bad.body());
            a.content().orElseThrow().repository().blocks().put(missing); // A gets it: B is answered
            assertArrayEquals(missing.data(), fetch.get(30, TimeUnit.SECONDS).orElseThrow());
            io.p2pkit.testing.Await.until("B's want answered", () -> body(client, wantsOfB).equals("{\"Keys\":[]}"),
                    java.time.Duration.ofSeconds(20));
        }
    }

    /**
     * {@code dag/export} on B of A's files: one B holds only the root of, one B lacks altogether.
     * Each CAR is A's, byte for byte, and the blocks are kept; a CAR of what B holds alone
     * ({@code local-only}) fetches nothing.
     */
    @Test
    void dagExportStreamsWhatIsElsewhere(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        byte[] data = new byte[1_500_000];
        new Random(9).nextBytes(data);
        Path file = dir.resolve("data.bin");
        Files.write(file, data);
        Files.write(dir.resolve("other.bin"), java.util.Arrays.copyOf(data, 900_000));
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("a")))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
             HttpClient client = HttpClient.newHttpClient()) {
            var storeA = a.content().orElseThrow().repository().blocks();
            io.p2pkit.core.multiformats.Cid rootHere = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(storeA))
                    .importPath(file).root();
            io.p2pkit.core.multiformats.Cid elsewhere = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(storeA))
                    .importPath(dir.resolve("other.bin")).root();
            String apiA = HttpAddress.url(a.apiAddress().orElseThrow()) + "/api/v0/";
            try (Node b = nodeB(dir, a)) {
                String apiB = HttpAddress.url(b.apiAddress().orElseThrow()) + "/api/v0/";
                var localB = b.content().orElseThrow().repository().blocks().local();
                localB.put(storeA.local().get(rootHere).orElseThrow());
                long received = b.content().orElseThrow().bitswap().stats().blocksReceived();

                HttpResponse<byte[]> partial = exportCar(client, apiB + "dag/export?local-only=true&arg=" + rootHere);
                assertEquals(200, partial.statusCode());
                assertEquals(1, carBlocks(partial.body()), "local-only: the root alone");
                assertEquals(received, b.content().orElseThrow().bitswap().stats().blocksReceived(), "nothing fetched");

                for (io.p2pkit.core.multiformats.Cid root : new io.p2pkit.core.multiformats.Cid[] {rootHere, elsewhere}) {
                    HttpResponse<byte[]> car = exportCar(client, apiB + "dag/export?arg=" + root);
                    assertEquals(200, car.statusCode());
                    assertArrayEquals(exportCar(client, apiA + "dag/export?arg=" + root).body(), car.body(), "A's CAR");
                    assertTrue(localB.has(root.multihash()));
                }
                assertTrue(b.content().orElseThrow().bitswap().stats().blocksReceived() > received + 6, "the leaves came");
            }
        }
    }

    private static HttpResponse<byte[]> exportCar(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int carBlocks(byte[] car) throws java.io.IOException {
        int n = 0;
        try (var reader = io.p2pkit.ipfs.car.CarReader.open(new java.io.ByteArrayInputStream(car))) {
            while (reader.next().isPresent()) {
                n++;
            }
        }
        return n;
    }

    /**
     * {@code ls}, {@code block/stat}, {@code dag/get} and {@code dag/stat} on B, which holds none of
     * A's content, answer as A does on its own blocks, fetching only what they walk; with
     * {@code offline=true} nothing is fetched and the answer is Kubo's error.
     */
    @Test
    void lsStatAndDagGetFetchOnlyWhatTheyRead(@TempDir Path dir) throws Exception {
        Path tree = reposAndTree(dir, 11);
        Files.writeString(tree.resolve("small.txt"), "hello\n");
        Files.writeString(Files.createDirectories(tree.resolve("sub")).resolve("deep.txt"), "deeper\n");
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("a")))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
             HttpClient client = HttpClient.newHttpClient()) {
            String root = new Importer(ImportOptions.UNIXFS_V0_2015,
                    BlockSink.of(a.content().orElseThrow().repository().blocks())).importPath(tree).root().toString();
            String apiA = HttpAddress.url(a.apiAddress().orElseThrow()) + "/api/v0/";
            String boundary = "p2pkitboundary";
            String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n{\"dir\":{\"/\":\"" + root + "\"},\"n\":[1,2]}\r\n--"
                    + boundary + "--\r\n";
            String put = client.send(HttpRequest.newBuilder(URI.create(apiA + "dag/put"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
            String node = put.substring(put.indexOf(":\"") + 2, put.indexOf("\"}}"));
            try (Node b = nodeB(dir, a)) {
                String apiB = HttpAddress.url(b.apiAddress().orElseThrow()) + "/api/v0/";
                var localB = b.content().orElseThrow().repository().blocks().local();

                HttpResponse<String> offline = post(client, apiB + "dag/get?offline=true&arg=" + node);
                assertEquals(500, offline.statusCode());
                assertTrue(offline.body().contains("block was not found locally (offline): ipld: could not find " + node),
                        offline.body());
                assertEquals(500, post(client, apiB + "ls?offline=true&arg=" + root).statusCode());
                assertTrue(!localB.has(io.p2pkit.core.multiformats.Cid.parse(node).multihash()), "offline fetches nothing");

                for (String query : new String[] {"dag/get?arg=" + node + "/n/1", "dag/get?arg=" + node,
                        "ls?arg=" + root, "ls?arg=/ipfs/" + root + "/sub", "block/stat?arg=/ipfs/" + root + "/small.txt"}) {
                    HttpResponse<String> onB = post(client, apiB + query);
                    assertEquals(200, onB.statusCode(), query + ": " + onB.body());
                    assertEquals(post(client, apiA + query).body(), onB.body(), query);
                }
                // ls read the big file's root block for its size, not its 256 KiB leaves
                var blocksA = a.content().orElseThrow().repository().blocks().local();
                io.p2pkit.core.multiformats.Cid bigCid = new io.p2pkit.ipfs.path.PathResolver(blocksA)
                        .resolve(io.p2pkit.ipfs.path.IpfsPath.parse("/ipfs/" + root + "/big.bin")).cid();
                assertTrue(localB.has(bigCid.multihash()), "the entry's first block came");
                var codecs = io.p2pkit.node.cli.options.RepoOption.codecs(true);
                var leaves = codecs.links(blocksA.get(bigCid).orElseThrow());
                assertTrue(!leaves.isEmpty() && leaves.stream().noneMatch(l -> {
                    try {
                        return localB.has(l.multihash());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), "no leaf of the big file came");

                String stat = "dag/stat?progress=false&arg=" + root;
                assertEquals(post(client, apiA + stat).body(), post(client, apiB + stat).body(), "dag/stat fetches the whole DAG");
                assertTrue(localB.has(leaves.getFirst().multihash()));
            }
        }
    }

    /**
     * {@code pin/add}, {@code cat}, {@code get} and {@code block/get} of paths into a directory B
     * lacks fetch the blocks on the path and the DAG under its end (a file streamed out as it
     * arrives), and nothing beside: the big file next to them stays on A.
     */
    @Test
    void pinCatGetAndBlockGetFetchThePathAndTheirDagOnly(@TempDir Path dir) throws Exception {
        Path tree = reposAndTree(dir, 12);
        byte[] deep = new byte[700_000]; // three blocks and a root
        new Random(13).nextBytes(deep);
        Files.write(Files.createDirectories(tree.resolve("sub")).resolve("deep.bin"), deep);
        byte[] read = new byte[900_000];
        new Random(14).nextBytes(read);
        Files.write(Files.createDirectories(tree.resolve("cat")).resolve("read.bin"), read);
        Files.write(Files.createDirectories(tree.resolve("got")).resolve("x.bin"), deep);
        Files.write(Files.createDirectories(tree.resolve("gw")).resolve("whole.bin"), read);
        byte[] ranged = new byte[700_000];
        new Random(15).nextBytes(ranged);
        Files.write(tree.resolve("gw").resolve("range.bin"), ranged);
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .content(NodeConfig.Content.of(dir.resolve("a"))).build())) {
            var blocksA = a.content().orElseThrow().repository().blocks().local();
            String root = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(blocksA)).importPath(tree).root().toString();
            var resolver = new io.p2pkit.ipfs.path.PathResolver(blocksA);
            io.p2pkit.core.multiformats.Cid sub = resolver.resolve(io.p2pkit.ipfs.path.IpfsPath.parse("/ipfs/" + root + "/sub")).cid();
            io.p2pkit.core.multiformats.Cid bigCid = resolver.resolve(io.p2pkit.ipfs.path.IpfsPath.parse("/ipfs/" + root + "/big.bin")).cid();
            var codecs = io.p2pkit.node.cli.options.RepoOption.codecs(true);
            java.util.List<io.p2pkit.core.multiformats.Cid> subDag = new java.util.ArrayList<>(java.util.List.of(sub));
            for (int i = 0; i < subDag.size(); i++) {
                subDag.addAll(codecs.links(blocksA.get(subDag.get(i)).orElseThrow()));
            }
            assertEquals(5, subDag.size(), "the directory, the file's root and its three leaves: " + subDag);
            try (Node b = nodeB(dir, a);
                 HttpClient client = HttpClient.newHttpClient()) {
                String apiB = HttpAddress.url(b.apiAddress().orElseThrow()) + "/api/v0/";
                var repoB = b.content().orElseThrow().repository();
                HttpResponse<String> pin = post(client, apiB + "pin/add?arg=/ipfs/" + root + "/sub");
                assertEquals(200, pin.statusCode(), pin.body());
                assertEquals("{\"Pins\":[\"" + sub + "\"]}", pin.body().strip());
                for (io.p2pkit.core.multiformats.Cid c : subDag) {
                    assertTrue(repoB.blocks().disk().has(c.multihash()), "on B's disk: " + c);
                }
                assertTrue(repoB.blocks().local().has(io.p2pkit.core.multiformats.Cid.parse(root).multihash()), "the path's root came");
                assertTrue(!repoB.blocks().local().has(bigCid.multihash()), "the file beside the path stayed on A");
                assertEquals(java.util.Optional.of(io.p2pkit.ipfs.pin.PinType.INDIRECT),
                        repoB.pinner().pinOf(subDag.getLast()).map(io.p2pkit.ipfs.pin.Pin::type));

                HttpResponse<byte[]> cat = client.send(HttpRequest.newBuilder(URI.create(apiB + "cat?arg=/ipfs/" + root
                        + "/cat/read.bin")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, cat.statusCode());
                assertArrayEquals(read, cat.body(), "streamed as it arrived");
                HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(URI.create(apiB + "cat?offset=600000&length=10&arg=/ipfs/"
                        + root + "/got/x.bin")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertArrayEquals(java.util.Arrays.copyOfRange(deep, 600_000, 600_010), range.body(), "a range fetches its own blocks");
                HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(URI.create(apiB + "get?arg=/ipfs/" + root + "/got"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, get.statusCode());
                assertTrue(indexOf(get.body(), deep) > 0, "the tar holds the file's bytes");
                io.p2pkit.core.multiformats.Cid bigLeaf = codecs.links(blocksA.get(bigCid).orElseThrow()).getFirst();
                HttpResponse<byte[]> block = client.send(HttpRequest.newBuilder(URI.create(apiB + "block/get?arg=" + bigLeaf))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertArrayEquals(blocksA.get(bigLeaf).orElseThrow().data(), block.body());
                String gw = HttpAddress.url(b.gatewayAddress().orElseThrow()) + "/ipfs/" + root + "/gw/";
                HttpResponse<byte[]> whole = client.send(HttpRequest.newBuilder(URI.create(gw + "whole.bin")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, whole.statusCode());
                assertArrayEquals(read, whole.body(), "the gateway streamed the file as it arrived");
                HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(URI.create(gw + "range.bin"))
                        .header("Range", "bytes=10-19").build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(206, part.statusCode());
                assertArrayEquals(java.util.Arrays.copyOfRange(ranged, 10, 20), part.body());
                io.p2pkit.core.multiformats.Cid rangeFile = resolver.resolve(io.p2pkit.ipfs.path.IpfsPath.parse(
                        "/ipfs/" + root + "/gw/range.bin")).cid();
                assertTrue(!repoB.blocks().local().has(codecs.links(blocksA.get(rangeFile).orElseThrow()).getLast().multihash()),
                        "a range fetched only its own blocks");
                assertTrue(!repoB.blocks().local().has(bigCid.multihash()), "block/get fetched the one block, and the "
                        + "file beside the paths stayed on A");
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Node B on repository b, with its RPC API and gateway, connected to A. */
    private static Node nodeB(Path dir, Node a) throws Exception {
        Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .bootstrap(new PeerInfo(a.peerId(), a.host().addresses()))
                .content(NodeConfig.Content.of(dir.resolve("b")))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
        try {
            io.p2pkit.testing.Await.until("B connected to A", () -> b.host().network().connection(a.peerId()).isPresent(),
                    java.time.Duration.ofSeconds(20));
        } catch (Exception | AssertionError e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** Repositories a and b under {@code dir}, and a directory "tree" with a 1 MB file of random bytes, big.bin. */
    private static Path reposAndTree(Path dir, long seed) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        Path tree = Files.createDirectories(dir.resolve("tree"));
        byte[] big = new byte[1_000_000];
        new Random(seed).nextBytes(big);
        Files.write(tree.resolve("big.bin"), big);
        return tree;
    }

    private static String body(HttpClient client, String url) {
        try {
            return post(client, url).body().strip();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
