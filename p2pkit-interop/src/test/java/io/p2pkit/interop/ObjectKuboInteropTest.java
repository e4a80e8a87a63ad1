package io.p2pkit.interop;

import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code object diff} and {@code object patch add-link|rm-link}: Kubo's own {@code ipfs} CLI runs
 * each command line against a Kubo 0.39 daemon and, with {@code --api}, against a p2pkit daemon
 * holding the same content (a UnixFS tree as CIDv0 and as CIDv1, an empty directory, a HAMT
 * directory, a raw block, a DAG-CBOR node, a 1.2 MB file), and the outputs (stdout, stderr, exit
 * status) must be the same: the new roots' CIDs are Kubo's, and so are the diffs and the errors.
 */
@InteropArea("RPC API: object diff and object patch against Kubo 0.39")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ObjectKuboInteropTest {
    @TempDir
    static Path dir;
    private static KuboBeside pair;
    /** The content's CIDs by the names the command lines use (no name is part of another). */
    private static final Map<String, String> CIDS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        pair = KuboBeside.start(dir, "none", b -> b.dht(Optional.empty()));
        Path tree = RpcContent.tree(dir.resolve("tree"));
        Path wide = Files.createDirectories(dir.resolve("wide"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(wide.resolve("entry-" + i), "entry " + i + "\n");
        }
        Path big = dir.resolve("big");
        byte[] bytes = new byte[1_200_000];
        new Random(7).nextBytes(bytes);
        Files.write(big, bytes);
        Path nowhere = Files.writeString(dir.resolve("nowhere.txt"), "in no blockstore\n");
        CIDS.put("MISSING", pair.added(List.of("add", "-Q", "--only-hash", nowhere.toString())));
        CIDS.put("TREE", pair.added(List.of("add", "-Q", "-r", tree.toString())));
        CIDS.put("VONE", pair.added(List.of("add", "-Q", "-r", "--cid-version=1", tree.toString())));
        CIDS.put("EMPTYDIR", pair.added(List.of("add", "-Q", "-r", Files.createDirectories(dir.resolve("e")).toString())));
        CIDS.put("HAMT", pair.added(List.of("add", "-Q", "-r", "--max-directory-links=4", "--max-hamt-fanout=16",
                wide.toString())));
        CIDS.put("LARGE", pair.added(List.of("add", "-Q", big.toString())));
        CIDS.put("RAW", pair.added(List.of("block", "put", Files.writeString(dir.resolve("raw"), "raw\n").toString())));
        CIDS.put("ATXT", resolved("/ipfs/TREE/a.txt"));
        CIDS.put("CBOR", pair.added(List.of("dag", "put", Files.writeString(dir.resolve("cbor.json"),
                fill("{\"x\":{\"/\":\"RAW\"}}")).toString())));
        // patched trees both daemons store, for the diffs
        CIDS.put("GROWN", patched("add-link|--create|TREE|sub/new/x.txt|RAW"));
        CIDS.put("SHRUNK", patched("rm-link|TREE|sub/deeper"));
        CIDS.put("SWAPPED", patched("add-link|SHRUNK|a.txt|RAW"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (pair != null) {
            pair.close();
        }
    }

    private static String resolved(String path) throws IOException {
        return pair.kubo().cli().run(List.of("resolve", fill(path))).strip().substring("/ipfs/".length());
    }

    private static String patched(String command) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("object", "patch"));
        args.addAll(Arrays.stream(command.split("\\|")).map(ObjectKuboInteropTest::fill).toList());
        return pair.added(args);
    }

    private static String fill(String text) {
        return KuboBeside.fill(text, CIDS);
    }

    /**
     * Runs a case on both daemons: a command line with its arguments separated by '|' and the
     * content's names in place of CIDs, '!' first when it fails (Kubo's exit status 1), so that two
     * equal failures cannot pass for a success.
     */
    private static void sameCase(String command) throws IOException {
        boolean fails = command.startsWith("!");
        List<String> args = Arrays.stream(command.substring(fails ? 1 : 0).split("\\|", -1))
                .map(ObjectKuboInteropTest::fill).toList();
        P2pkitCli.Result k = pair.kubo().cli().runAny(args);
        P2pkitCli.Result p = pair.client().runAny(pair.withApi(args));
        String onKubo = k.status() + "\n" + k.out() + k.err();
        assertEquals(onKubo, p.status() + "\n" + p.out() + p.err(), "ipfs " + String.join(" ", args));
        System.out.println("$ ipfs " + String.join(" ", args) + "\n" + onKubo);
        assertEquals(fails ? "1" : "0", onKubo.substring(0, 1), "ipfs " + String.join(" ", args) + ": " + onKubo);
    }

    @ParameterizedTest(name = "ipfs {0}")
    @ValueSource(strings = {
            "object|patch|add-link|TREE|new.txt|ATXT", "object|patch|add-link|TREE|a.txt|RAW",
            "object|patch|add-link|TREE|sub/deeper/d|RAW", "object|patch|add-link|/ipfs/TREE/sub|x|CBOR",
            "object|patch|add-link|--create|TREE|no/such/dirs|/ipfs/TREE/sub", "!object|patch|add-link|-p|TREE|no/such|TREE", "object|patch|add-link|-p|EMPTYDIR|a/b/c|ATXT",
            "object|patch|add-link|-p|TREE|sub/b.txt/inside|RAW", "object|patch|add-link|VONE|z|ATXT",
            "object|patch|add-link|VONE|sub/deeper/z|/ipfs/TREE/sub", "object|patch|add-link|HAMT|extra|RAW",
            "object|patch|add-link|--enc=json|TREE|j|RAW", "!object|patch|add-link|EMPTYDIR|big|LARGE",
            "object|patch|add-link|--allow-big-block|TREE|big|LARGE", "!object|patch|add-link|TREE|x/|RAW",
            "!object|patch|add-link|TREE|no/such|RAW", "!object|patch|add-link|TREE||RAW",
            "!object|patch|add-link|TREE|sub/|RAW", "!object|patch|add-link|RAW|x|ATXT",
            "!object|patch|add-link|CBOR|x|ATXT", "!object|patch|add-link|-p|VONE|a.txt/x|RAW",
            "!object|patch|add-link|TREE|x|/ipfs/TREE/nope", "!object|patch|add-link|bafybad|x|RAW",
            "!object|patch|add-link|--offline|TREE|x|MISSING", "!object|patch|add-link|TREE|x"})
    void addLinkAnswersAsKubo(String command) throws IOException {
        sameCase(command);
    }

    @ParameterizedTest(name = "ipfs {0}")
    @ValueSource(strings = {
            "object|patch|rm-link|TREE|a.txt", "object|patch|rm-link|TREE|sub/deeper/c.txt",
            "object|patch|rm-link|VONE|name with space.txt", "object|patch|rm-link|--enc=json|GROWN|sub/new",
            "!object|patch|rm-link|HAMT|entry-1", "!object|patch|rm-link|TREE|nope", "!object|patch|rm-link|TREE|nope/x",
            "!object|patch|rm-link|TREE|sub/nope", "!object|patch|rm-link|RAW|x", "!object|patch|rm-link|TREE|",
            "!object|patch|rm-link|VONE|a.txt/x"})
    void rmLinkAnswersAsKubo(String command) throws IOException {
        sameCase(command);
    }

    @ParameterizedTest(name = "ipfs {0}")
    @ValueSource(strings = {
            "object|diff|TREE|TREE", "object|diff|TREE|GROWN", "object|diff|GROWN|TREE", "object|diff|-v|TREE|GROWN",
            "object|diff|--verbose|GROWN|SWAPPED", "object|diff|TREE|SWAPPED", "object|diff|--enc=json|TREE|SWAPPED",
            "object|diff|--enc=json|TREE|TREE", "object|diff|TREE|VONE", "object|diff|-v|VONE|TREE",
            "object|diff|RAW|ATXT", "object|diff|-v|CBOR|TREE", "object|diff|TREE|HAMT", "object|diff|EMPTYDIR|TREE",
            "object|diff|/ipfs/TREE/sub|/ipfs/GROWN/sub", "!object|diff|TREE|/ipfs/TREE/nope",
            "!object|diff|--offline|TREE|MISSING", "!object|diff|bafybad|TREE", "!object|diff|TREE"})
    void diffAnswersAsKubo(String command) throws IOException {
        sameCase(command);
    }

    @Test
    void theHttpAnswersAreKubos() throws Exception {
        String p2pkit = HttpAddress.url(pair.node().apiAddress().orElseThrow());
        String kubo = pair.kubo().apiUrl();
        for (String command : List.of("object/patch/add-link?arg=TREE&arg=n&arg=RAW",
                "object/patch/rm-link?arg=TREE&arg=a.txt", "object/diff?arg=TREE&arg=SWAPPED",
                "object/diff?arg=TREE&arg=TREE", "object/patch/rm-link?arg=TREE&arg=nope")) {
            HttpResponse<String> k = post(kubo, fill(command));
            HttpResponse<String> p = post(p2pkit, fill(command));
            assertEquals(k.statusCode() + " " + k.body(), p.statusCode() + " " + p.body(), command);
            assertTrue(k.body().startsWith("{"), k.body());
        }
    }

    private static HttpResponse<String> post(String api, String command) throws Exception {
        return pair.http().send(RpcPost.of(api, command, null).build(), HttpResponse.BodyHandlers.ofString());
    }
}
