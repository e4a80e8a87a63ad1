package io.p2pkit.interop;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's own {@code ipfs} command line, pointed with {@code --api} at a p2pkit node's RPC API,
 * runs a scripted session, and every command's output is compared with what the same command
 * gives against a Kubo 0.39 daemon holding the same content: identical where the content decides
 * it (CIDs, listings, bytes, errors), the same shape where the node decides it (IDs, versions,
 * sizes on disk).
 */
@InteropArea("RPC API: Kubo's CLI against p2pkit")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KuboCliRpcInteropTest {
    @TempDir
    static Path dir;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;
    private static Path tree;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        client = KuboCli.fresh(Toolchains.requireKubo());
        Path repo = dir.resolve("p2pkit-repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        api = HttpAddress.multiaddr(node.apiAddress().orElseThrow());
        tree = dir.resolve("tree");
        Path d = RpcContent.tree(tree.resolve("d"));
        Files.createSymbolicLink(d.resolve("link"), Path.of("a.txt"));
        Files.writeString(tree.resolve("node.json"), "{\"hello\":\"world\",\"list\":[1,2,{\"deep\":true}]}");
        Files.writeString(tree.resolve("block.bin"), "raw block bytes\n");
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (client != null) {
            client.delete();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    /** The command against the Kubo daemon, then against p2pkit: stdout, or "Error: …" when it fails. */
    private static String[] both(String... args) {
        return new String[]{kubo.cli().outcome(List.of(args)), client.outcome(withApi(args))};
    }

    private static List<String> withApi(String... args) {
        List<String> all = new ArrayList<>(List.of("--api", api));
        all.addAll(List.of(args));
        return all;
    }

    /** Runs the command on both and asserts the outputs are the same; returns it. */
    private static String same(String... args) {
        String[] out = both(args);
        assertEquals(out[0], out[1], "ipfs " + String.join(" ", args));
        return out[0];
    }

    /** The JSON object's keys, in order: what a shape comparison compares. */
    private static List<String> keys(String json) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"([A-Za-z]+)\":").matcher(json);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** Every path under {@code top} with what it is: a file's bytes (hashed), a symlink's target, or a directory. */
    private static List<String> describe(Path top) throws IOException {
        List<String> out = new ArrayList<>();
        try (var walk = Files.walk(top)) {
            for (Path p : walk.sorted().toList()) {
                String rel = top.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.add(rel + " -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    out.add(rel + "/");
                } else {
                    out.add(rel + " " + java.util.Arrays.hashCode(Files.readAllBytes(p)) + " " + Files.size(p));
                }
            }
        }
        return out;
    }

    @Test
    void addCatGetAndLsGiveKubosCidsListingsAndBytes() throws IOException {
        String added = same("add", "--progress=false", "-r", tree.resolve("d").toString());
        assertTrue(added.contains("added ") && added.contains(" d/sub/deeper/c.txt\n"), added);
        same("add", "--progress=false", "-r", "--cid-version=1", "--raw-leaves=true", "--chunker=size-65536",
                tree.resolve("d").toString());
        same("add", "--progress=false", "-w", "-r", "--trickle", tree.resolve("d/a.txt").toString(),
                tree.resolve("d/sub").toString());
        same("add", "--progress=false", "-n", "-Q", tree.resolve("d/big.bin").toString());
        String root = same("add", "-Q", "-r", tree.resolve("d").toString()).strip();  // with progress events

        same("cat", "/ipfs/" + root + "/a.txt");
        same("cat", "--offset=1000", "--length=70000", "/ipfs/" + root + "/big.bin");
        same("cat", root + "/sub/deeper/c.txt", "/ipfs/" + root + "/name with space.txt");
        byte[] kuboBig = kubo.cli().runBytes(List.of("cat", "/ipfs/" + root + "/big.bin"));
        assertArrayEquals(kuboBig, client.runBytes(withApi("cat", "/ipfs/" + root + "/big.bin")));
        assertEquals(700_000, kuboBig.length);

        same("ls", root);
        Path fromKubo = dir.resolve("got-kubo");
        Path fromP2pkit = dir.resolve("got-p2pkit");
        kubo.cli().run(List.of("get", "-o", fromKubo.toString(), root));
        client.run(withApi("get", "-o", fromP2pkit.toString(), root));
        assertEquals(describe(fromKubo), describe(fromP2pkit), "ipfs get " + root);
        kubo.cli().run(List.of("get", "-o", fromKubo + ".txt", root + "/sub/b.txt"));
        client.run(withApi("get", "-o", fromP2pkit + ".txt", root + "/sub/b.txt"));
        assertEquals(Files.readString(Path.of(fromKubo + ".txt")), Files.readString(Path.of(fromP2pkit + ".txt")));
        same("ls", "-v", root, root + "/sub");
        same("ls", "--size=false", "--resolve-type=false", root);
        same("ls", "--enc=json", root);

        same("cat", root);                          // a directory
        same("cat", "nonsense");                    // not a path
        same("cat", "/ipfs/" + root + "/missing");  // no such link
    }

    @Test
    void lsJsonCarriesTheStoredModeAndTimeAsKubosDoes() throws Exception {
        Path meta = RpcContent.tree(dir.resolve("meta"));
        // setuid, which Java's permission set cannot name
        Process chmod = new ProcessBuilder("chmod", "4750", meta.resolve("a.txt").toString()).inheritIO().start();
        assertTrue(chmod.waitFor(30, TimeUnit.SECONDS) && chmod.exitValue() == 0, "chmod 4750");
        Files.setPosixFilePermissions(meta.resolve("sub"), PosixFilePermissions.fromString("rwxr-x--x"));
        Files.setLastModifiedTime(meta.resolve("a.txt"), FileTime.from(Instant.parse("2021-03-04T05:06:07.25Z")));
        Files.setLastModifiedTime(meta.resolve("sub"), FileTime.from(Instant.parse("2024-05-06T07:08:09Z")));
        String root = same("add", "--progress=false", "-Q", "-r", "--preserve-mode", "--preserve-mtime",
                meta.toString()).strip();
        // Kubo's CLI prints ls as text whatever --enc says, so the answers are compared as the API sends them
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String query : List.of("ls?arg=" + root, "ls?stream=true&arg=" + root, "ls?arg=" + root + "/sub",
                    "ls?resolve-type=false&size=false&arg=" + root, "ls?long=true&arg=" + root)) {
                String theirs = http.send(RpcPost.of(kubo.apiUrl(), query, null).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                String ours = http.send(RpcPost.of(HttpAddress.url(node.apiAddress().orElseThrow()), query, null).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertEquals(theirs, ours, query);
            }
            String listed = http.send(RpcPost.of(kubo.apiUrl(), "ls?arg=" + root, null).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            // setuid is Go's 1<<23 beside 0750; the directory's mode has Go's directory bit
            assertTrue(listed.contains("\"Mode\":" + ((1L << 23) | 0750)), listed);
            assertTrue(listed.contains("\"Mode\":" + ((1L << 31) | 0751)), listed);
            assertTrue(listed.contains("\"ModTime\":\"2021-03-04T05:06:07.25Z\""), listed);
        }
    }

    @Test
    void pinsAreAddedListedAndRemovedAsOnKubo() throws IOException {
        String root = same("add", "--progress=false", "-Q", "--pin=false", "-r", tree.resolve("d").toString()).strip();
        same("pin", "ls", root);                     // not pinned
        same("pin", "add", root);
        same("pin", "ls", root);
        same("pin", "ls", "--type=recursive", root);
        same("pin", "ls", "--enc=json", root);
        same("pin", "ls", "--stream", "--enc=json", root);
        same("pin", "rm", root);
        same("pin", "add", "--recursive=false", root);
        same("pin", "ls", "--type=direct", root);
        same("pin", "rm", root);
    }

    @Test
    void blocksAndDagNodesGoInAndOutAsOnKubo() throws IOException {
        String block = same("block", "put", tree.resolve("block.bin").toString()).strip();
        same("block", "put", "--cid-codec=dag-pb", "--mhtype=sha2-512", tree.resolve("block.bin").toString());
        same("block", "stat", block);
        same("block", "get", block);
        same("block", "rm", block);
        same("block", "rm", block);      // gone (a stat would make the Kubo daemon look for it on the network)

        String cid = same("dag", "put", tree.resolve("node.json").toString()).strip();
        same("dag", "put", "--store-codec=dag-json", "--input-codec=dag-json", tree.resolve("node.json").toString());
        same("dag", "get", cid);
        same("dag", "get", cid + "/list/2/deep");
        same("dag", "get", "--output-codec=dag-cbor", cid);
        String root = same("add", "--progress=false", "-Q", "-r", tree.resolve("d").toString()).strip();
        byte[] kuboCar = kubo.cli().runBytes(List.of("dag", "export", root));
        assertArrayEquals(kuboCar, client.runBytes(withApi("dag", "export", root)), "the CAR of " + root);
        Path car = Files.write(dir.resolve("d.car"), kuboCar);
        same("pin", "rm", root);
        same("dag", "import", "--stats", car.toString());
        same("dag", "stat", "--progress=false", root, cid);
        same("dag", "stat", root);
        same("pin", "ls", "--type=recursive", root);
    }

    @Test
    void bitswapCommandsPrintWhatKubosCliPrintsForTheSameNode() throws IOException {
        // p2pkit's bitswap commands find the node through its repository's api file, as with a daemon
        Files.writeString(dir.resolve("p2pkit-repo").resolve("api"), api);
        String peer = kubo.cli().run(List.of("id", "-f", "<id>")).strip();
        for (List<String> command : List.of(List.of("bitswap", "stat"), List.of("bitswap", "stat", "-v", "--human"),
                List.of("bitswap", "wantlist"), List.of("bitswap", "ledger", peer))) {
            List<String> ours = new ArrayList<>(command);
            ours.add("--repo-dir=" + dir.resolve("p2pkit-repo"));
            P2pkitCli.Result mine = P2pkitCli.run(ours);
            assertEquals(0, mine.status(), mine.err());
            assertEquals(client.outcome(withApi(command.toArray(String[]::new))), mine.out(), String.join(" ", command));
        }
    }

    @Test
    void keysAreImportedRenamedSignedAndVerifiedAsOnKubo() throws IOException {
        Path key = dir.resolve("shared.key");
        Files.write(key, io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519).marshal());
        Path pem = dir.resolve("shared.pem");
        Files.write(pem, io.p2pkit.node.config.KeyFormat.PEM_PKCS8_CLEARTEXT.encode(
                io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519)));
        Path data = Files.writeString(dir.resolve("to-sign.txt"), "signed over the RPC API\n");
        same("key", "import", "shared", key.toString());
        same("key", "import", "shared", key.toString());                  // the name is taken
        same("key", "import", "pem", pem.toString());                     // PEM without --format
        same("key", "import", "-f", "pem-pkcs8-cleartext", "pem", pem.toString());
        same("key", "import", "self", key.toString());
        same("key", "rename", "shared", "renamed");
        same("key", "rename", "renamed", "pem");                          // refused without --force
        same("key", "rename", "-f", "renamed", "pem");
        same("key", "rename", "self", "other");
        String signed = same("key", "sign", "--key=pem", data.toString()); // Ed25519: the same bytes
        String sig = signed.replaceAll("(?s).*\"Signature\":\"([^\"]+)\".*", "$1");
        same("key", "verify", "--key=pem", "--signature=" + sig, data.toString());
        same("key", "verify", "--key=pem", "--signature=" + sig, tree.resolve("node.json").toString());
        same("key", "verify", "--key=nobody", "--signature=" + sig, data.toString());
        same("key", "rm", "pem");
    }

    /** Status, the headers that say what the answer is, and the body with node-specific values masked. */
    private static String answer(java.net.http.HttpClient http, String base, String method, String path) throws Exception {
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        StringBuilder b = new StringBuilder().append(r.statusCode());
        for (String h : List.of("content-type", "x-stream-output", "x-chunked-output", "trailer", "allow",
                "access-control-expose-headers", "x-content-length")) {
            r.headers().firstValue(h).ifPresent(v -> b.append('\n').append(h).append(": ").append(v));
        }
        return b.append('\n').append(r.body()).toString();
    }

    @Test
    void httpAnswersHaveKubosStatusesHeadersAndBodies() throws Exception {
        String root = same("add", "--progress=false", "-Q", "-r", tree.resolve("d").toString()).strip();
        String p2pkitApi = HttpAddress.url(node.apiAddress().orElseThrow());
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            for (String[] call : List.of(
                    new String[]{"POST", "/api/v0/cat?arg=/ipfs/" + root + "/a.txt"},
                    new String[]{"POST", "/api/v0/ls?arg=" + root},
                    new String[]{"POST", "/api/v0/block/stat?arg=" + root},
                    new String[]{"POST", "/api/v0/pin/ls?arg=" + root},
                    new String[]{"POST", "/api/v0/block/rm?arg=" + root},
                    new String[]{"POST", "/api/v0/cat?arg=" + root},
                    new String[]{"POST", "/api/v0/cat?arg=nonsense"},
                    new String[]{"POST", "/api/v0/cat?arg=x&offset=abc"},
                    new String[]{"POST", "/api/v0/block/stat"},
                    new String[]{"POST", "/api/v0/add"},
                    new String[]{"POST", "/api/v0/no-such-command"},
                    new String[]{"GET", "/api/v0/version"},
                    new String[]{"PUT", "/api/v0/version"})) {
                assertEquals(answer(http, kubo.apiUrl(), call[0], call[1]), answer(http, p2pkitApi, call[0], call[1]),
                        call[0] + " " + call[1]);
            }
        }
    }

    @Test
    void nodeInformationHasKubosShapes() throws IOException {
        String[] id = both("id");
        assertEquals(keys(id[0]), keys(id[1]), "ipfs id: " + id[1]);
        assertTrue(id[1].contains(node.peerId().toString()), id[1]);
        String[] version = both("version", "--enc=json");
        assertEquals(keys(version[0]), keys(version[1]), "ipfs version: " + version[1]);
        String[] stat = both("repo", "stat", "--enc=json");
        assertEquals(keys(stat[0]), keys(stat[1]), "ipfs repo stat: " + stat[1]);
        same("swarm", "peers");                      // nobody connected to either
        String[] local = both("swarm", "addrs", "local", "--id");
        assertTrue(local[1].contains("/p2p/" + node.peerId()), local[1]);
        String[] gc = both("repo", "gc", "--enc=json");
        assertEquals(new TreeSet<>(keys(gc[0])), new TreeSet<>(keys(gc[1])), "ipfs repo gc: " + gc[1]);
        same("no-such-command");
    }
}
