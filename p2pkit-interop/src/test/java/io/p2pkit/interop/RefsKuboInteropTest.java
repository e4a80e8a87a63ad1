package io.p2pkit.interop;

import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code refs}, {@code refs local} and {@code resolve}: Kubo's own {@code ipfs} CLI runs each
 * command line against a Kubo 0.39 daemon and, with {@code --api}, against a p2pkit daemon that
 * added the same content with the same commands (a UnixFS tree with a subdirectory and a repeated
 * file, a HAMT directory, DAG-CBOR and DAG-JSON nodes linking to them, a raw block), and the
 * outputs (stdout, stderr, exit status) must be the same; {@code refs local} as sets. The daemons
 * are each other's DHT peer (Kubo's LAN DHT), so that the names each publishes resolve on both.
 */
@InteropArea("RPC API: refs and resolve against Kubo 0.39")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RefsKuboInteropTest {
    @TempDir
    static Path dir;
    private static KuboBeside pair;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;
    /** The content's CIDs by the names the command lines use. */
    private static final Map<String, String> CIDS = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        pair = KuboBeside.start(dir, "dht", b -> b.dht(NodeConfig.Dht.of(Mode.SERVER).withProtocolPrefix("/ipfs/lan")));
        kubo = pair.kubo();
        client = pair.client();
        node = pair.node();
        api = pair.api();
        kubo.cli().run(List.of("swarm", "connect", node.host().addresses().get(0) + "/p2p/" + node.peerId()));

        Path tree = RpcContent.tree(dir.resolve("tree"));
        Files.writeString(tree.resolve("sub/dup.txt"), "alpha\n");          // the same block as a.txt
        Files.createDirectories(tree.resolve("nothing"));                   // Kubo's MFS root is this block too
        Path wide = Files.createDirectories(dir.resolve("wide"));
        for (int i = 0; i < 30; i++) {
            Files.writeString(wide.resolve("entry-" + i), "entry " + i + "\n");
        }
        Path rawFile = Files.writeString(dir.resolve("raw.bin"), "a raw block\n");
        Path nowhere = Files.writeString(dir.resolve("nowhere.txt"), "in no blockstore\n");
        CIDS.put("MISSING", pair.added(List.of("add", "-Q", "--only-hash", nowhere.toString())));
        CIDS.put("ROOT", pair.added(List.of("add", "-Q", "-r", tree.toString())));
        // --only-hash: Kubo's add of a lone file also stores the directory it imports it in (one link, named by
        // the file's CID), which no DAG reaches and p2pkit does not store; the file's block is in the tree
        CIDS.put("ATXT", pair.added(List.of("add", "-Q", "--only-hash", tree.resolve("a.txt").toString())));
        CIDS.put("SUB", pair.added(List.of("add", "-Q", "-r", tree.resolve("sub").toString())));
        CIDS.put("HAMT", pair.added(List.of("add", "-Q", "-r", "--max-directory-links=4", "--max-hamt-fanout=16", wide.toString())));
        CIDS.put("RAW", pair.added(List.of("block", "put", rawFile.toString())));
        CIDS.put("CBOR", put("dag-cbor", "{\"zz\":{\"/\":\"ROOT\"},\"b\":{\"/\":\"RAW\"},\"a\":[{\"/\":\"ATXT\"},{\"/\":\"RAW\"}],"
                + "\"c\":{\"d\":{\"/\":\"SUB\"},\"n\":5,\"s\":\"text\"},\"e\":{},\"l\":[]}"));
        CIDS.put("JSON", put("dag-json", "{\"y\":[1,{\"/\":\"RAW\"}],\"x\":{\"/\":\"CBOR\"},\"bb\":{\"/\":\"ATXT\"},\"c\":{\"/\":\"SUB\"}}"));
        CIDS.put("DEEP", put("dag-cbor", "{\"x\":{\"/\":\"SUB\"}}"));
        CIDS.put("TOP", put("dag-cbor", "{\"a\":{\"/\":\"DEEP\"},\"b\":{\"/\":\"SUB\"}}"));
        CIDS.put("BROKEN", put("dag-cbor", "{\"a\":{\"/\":\"SUB\"},\"b\":{\"/\":\"MISSING\"},\"c\":{\"/\":\"RAW\"}}"));
        // only Kubo holds this one: p2pkit fetches it over Bitswap when asked
        Path far = Files.createDirectories(dir.resolve("far/inner"));
        Files.writeString(far.resolve("x.txt"), "only on Kubo\n");
        byte[] big = new byte[600_000];
        new java.util.Random(5).nextBytes(big);
        Files.write(dir.resolve("far/big.bin"), big);
        CIDS.put("FAR", kubo.cli().run(List.of("add", "-Q", "-r", dir.resolve("far").toString())).strip());
    }

    @AfterAll
    static void stop() throws IOException {
        if (pair != null) {
            pair.close();
        }
    }

    private static String put(String codec, String json) throws IOException {
        Path file = Files.writeString(Files.createTempFile(dir, "node", ".json"), fill(json));
        return pair.added(List.of("dag", "put", "--store-codec=" + codec, file.toString()));
    }

    private static String fill(String text) {
        return KuboBeside.fill(text, CIDS);
    }

    /** What {@code ipfs <args>} shows against Kubo, then against p2pkit: exit status, stdout, stderr. */
    private static List<String> both(List<String> args) throws IOException {
        P2pkitCli.Result k = kubo.cli().runAny(args);
        P2pkitCli.Result p = client.runAny(pair.withApi(args));
        return List.of(k.status() + "\n" + k.out() + k.err(), p.status() + "\n" + p.out() + p.err());
    }

    private static String same(List<String> args) throws IOException {
        List<String> out = both(args);
        assertEquals(out.get(0), out.get(1), "ipfs " + String.join(" ", args));
        return out.get(0);
    }

    /**
     * Runs a case on both daemons: a command line with its arguments separated by '|' and the
     * content's names in place of CIDs, '!' first when it fails (Kubo's exit status 1), so that
     * two equal failures cannot pass for a success.
     */
    private static void sameCase(String command) throws IOException {
        boolean fails = command.startsWith("!");
        List<String> args = Arrays.stream(command.substring(fails ? 1 : 0).split("\\|")).map(RefsKuboInteropTest::fill).toList();
        String out = same(args);
        System.out.println("$ ipfs " + String.join(" ", args) + "\n" + out);
        assertEquals(fails ? "1" : "0", out.substring(0, 1), "ipfs " + String.join(" ", args) + ": " + out);
    }

    @ParameterizedTest(name = "ipfs {0}")
    @ValueSource(strings = {
            "refs|ROOT", "refs|-r|ROOT", "refs|-r|-u|ROOT", "refs|-r|-e|ROOT",
            "refs|-r|--format=<linkname>: <src> -> <dst>|ROOT", "refs|--max-depth=3|ROOT", "refs|-r|--max-depth=0|ROOT",
            "refs|-r|--max-depth=1|ROOT", "refs|-r|-u|--max-depth=2|TOP", "refs|-r|-u|--max-depth=1|TOP", "refs|-r|-u|TOP",
            "refs|-r|HAMT", "refs|--format=<linkname> <dst>|HAMT", "refs|-r|-u|CBOR", "refs|--format=<src> <linkname> <dst>|JSON",
            "refs|RAW", "refs|-u|/ipfs/ROOT/sub|ROOT", "refs|/ipfs/CBOR/c", "refs|/ipfs/CBOR/zz/sub", "refs|--enc=json|-r|-u|ROOT",
            "!refs|-e|--format=<src>|ROOT", "!refs|/ipfs/ROOT/nope", "!refs|/ipfs/bafybad", "!refs|ROOT|foo",
            "!refs|--offline|BROKEN|ROOT", "refs|--offline|--enc=json|BROKEN|MISSING|SUB"})
    void refsPrintWhatKubosPrint(String command) throws IOException {
        sameCase(command);
    }

    @ParameterizedTest(name = "ipfs {0}")
    @ValueSource(strings = {
            "resolve|ROOT", "resolve|/ipfs/ROOT/sub/deeper/c.txt", "resolve|ROOT/sub", "resolve|/ipfs/ROOT/sub/",
            "resolve|/ipfs/HAMT/entry-7", "resolve|/ipfs/CBOR/a/0", "resolve|/ipfs/CBOR/zz/sub/b.txt", "resolve|/ipfs/CBOR/c",
            "resolve|/ipfs/CBOR/c/n", "resolve|/ipld/CBOR/c/d", "resolve|/ipfs/JSON/y/0", "resolve|/ipfs/JSON/x/c/s",
            "resolve|--enc=json|/ipfs/JSON/y/1", "resolve|/ipfs/MISSING",
            "!resolve|/ipfs/ROOT/nope", "!resolve|/ipfs/HAMT/nope", "!resolve|/ipfs/CBOR/nope", "!resolve|/ipfs/CBOR/a/7",
            "!resolve|/ipfs/CBOR/a/x", "!resolve|/ipfs/CBOR/e/x", "!resolve|/ipfs/CBOR/l/0", "!resolve|/ipfs/CBOR/c/n/x",
            "!resolve|/ipfs/CBOR/c/s/x", "!resolve|/ipfs/RAW/x", "!resolve|/ipfs/ROOT/a.txt/x", "!resolve|/ipfs/ROOT/big.bin/0",
            "!resolve|/ipfs/bafybad", "!resolve|/ipfs/b1", "!resolve|/ipfs/x", "!resolve|/ipfs/nonsense", "!resolve|foo",
            "!resolve|/ipfs/", "!resolve|/ipfs/QmU8uzJDdTC1wKkGo1fnL3GTwGuVxLiD1CEscZUF5zgm0k",
            "!resolve|/ipfs/CBOR/c/n/x/y", "!resolve|/ipfs/ROOT/nope/deeper", "!resolve|/ipfs/ROOT/a.txt/x/y",
            "!resolve|/ipfs/CBOR/zz/sub/nope/x", "resolve|//ipfs/ROOT/sub/../a.txt", "!resolve|/foo/bar"})
    void resolvePrintsWhatKubosPrints(String command) throws IOException {
        sameCase(command);
    }

    @Test
    void refsLocalListsTheSameBlocks() throws IOException {
        List<String> out = both(List.of("refs", "local"));
        Set<String> onKubo = new TreeSet<>(out.get(0).lines().toList());
        Set<String> onP2pkit = new TreeSet<>(out.get(1).lines().toList());
        // the DAG only Kubo added is on p2pkit too once a test fetched it, else not
        List<String> far = new ArrayList<>(kubo.cli().run(List.of("refs", "-r", CIDS.get("FAR"))).lines().toList());
        far.add(CIDS.get("FAR"));
        for (String cid : far) {
            String raw = io.p2pkit.core.multiformats.Cid.v1(io.p2pkit.core.multiformats.Multicodec.RAW,
                    io.p2pkit.core.multiformats.Cid.parse(cid).multihash()).toString();
            onKubo.remove(raw);
            onP2pkit.remove(raw);
        }
        assertTrue(onKubo.contains("0") && onKubo.size() > 40, out.get(0));
        assertEquals(onKubo, onP2pkit, "the same blocks, each as Kubo's raw CIDv1 (exit status 0 on both)");
    }

    @Test
    void refsAndResolveFetchWhatOnlyKuboHolds() throws IOException {
        String path = fill("/ipfs/FAR/inner/x.txt");
        String resolved = same(List.of("resolve", path));
        assertTrue(resolved.startsWith("0\n/ipfs/Qm"), resolved);
        String refs = same(List.of("refs", "-r", "-e", CIDS.get("FAR")));
        assertTrue(refs.startsWith("0\n") && refs.lines().count() > 4, refs);
    }

    @Test
    void namesEachDaemonPublishedResolveOnBoth() throws IOException {
        String value = fill("/ipfs/ROOT/sub");
        List<String> publish = List.of("name", "publish", "--allow-offline", "--resolve=false", "--lifetime=2h", value);
        String kuboName = published(kubo.cli().run(publish));
        String p2pkitName = published(client.run(pair.withApi(publish)));
        for (String name : List.of(kuboName, p2pkitName)) {
            // each daemon finds the other's record in the DHT once it has been put there
            for (KuboCli cli : List.of(kubo.cli(), client)) {
                List<String> resolve = new ArrayList<>(List.of("--timeout=20s", "resolve", "/ipns/" + name));
                cli.runUntilSuccess(cli == client ? pair.withApi(resolve) : resolve, Duration.ofSeconds(90));
            }
            same(List.of("resolve", "/ipns/" + name));
            same(List.of("resolve", "-r=false", "/ipns/" + name));
            same(List.of("resolve", "/ipns/" + name + "/deeper/c.txt"));
            same(List.of("refs", "-r", "/ipns/" + name));
        }
        String nobody = client.run(List.of("key", "gen", "--ipns-base=base36", "nobody")).strip();
        String failed = same(List.of("--timeout=60s", "resolve", "/ipns/" + nobody));
        assertTrue(failed.startsWith("1\n") && failed.contains("Error: could not resolve name"), failed);
        same(List.of("resolve", "/ipns/"));
    }

    private static String published(String output) {
        assertTrue(output.startsWith("Published to k51"), output);
        return output.substring("Published to ".length(), output.indexOf(':'));
    }

    @Test
    void httpAnswersAreKubos() throws Exception {
        String p2pkitApi = HttpAddress.url(node.apiAddress().orElseThrow());
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            for (String call : List.of("refs?arg=ROOT&enc=text&recursive=true", "refs?arg=ROOT&edges=true&format=x",
                    "refs?offline=true&arg=BROKEN&arg=MISSING&arg=ROOT", "refs?offline=true&enc=text&arg=BROKEN",
                    "refs/ROOT", "refs", "refs?arg=RAW", "resolve?arg=/ipfs/CBOR/c/n&enc=text",
                    "resolve?arg=/ipfs/ROOT/nope&enc=text", "resolve?arg=/ipfs/CBOR/nope", "resolve",
                    "resolve?arg=/ipns/x&recursive=false&dhtt=-3s", "resolve?arg=/ipns/x&recursive=false&dhtt=soon")) {
                String path = "/api/v0/" + fill(call);
                assertEquals(answer(http, kubo.apiUrl(), path), answer(http, p2pkitApi, path), path);
            }
        }
    }

    /** Status, the headers that say what the answer is, and the body. */
    private static String answer(java.net.http.HttpClient http, String base, String path) throws Exception {
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        StringBuilder b = new StringBuilder().append(r.statusCode());
        for (String h : List.of("content-type", "x-stream-output", "x-chunked-output", "trailer")) {
            r.headers().firstValue(h).ifPresent(v -> b.append('\n').append(h).append(": ").append(v));
        }
        return b.append('\n').append(r.body()).toString();
    }
}
