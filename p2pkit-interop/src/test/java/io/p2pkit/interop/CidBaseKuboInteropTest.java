package io.p2pkit.interop;

import io.p2pkit.node.Node;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's global {@code --cid-base} and {@code --upgrade-cidv0-in-output}: Kubo 0.39's own
 * {@code ipfs} CLI runs each command line against a Kubo daemon and, with {@code --api}, against a
 * p2pkit daemon holding the same content (a UnixFS tree added as CIDv0, the same tree in MFS, a
 * DAG-CBOR node linking into it, the tree's CAR), and the outputs (exit status, stdout, stderr)
 * must be the same. Kubo's CLI runs a command's text encoder itself, so the text encoders that
 * write CIDs ({@code dag put|resolve|import}, {@code bitswap}) are also asked over raw HTTP with
 * {@code enc=text}: status, Content-Type, {@code X-Chunked-Output} and body equal. Listings in Go's
 * map order ({@code pin ls}, {@code pin verify}) are compared as sorted lines.
 */
@InteropArea("RPC API: cid-base and upgrade-cidv0-in-output against Kubo 0.39")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CidBaseKuboInteropTest {

    @TempDir
    static Path dir;
    private static KuboBeside pair;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;
    private static HttpClient http;
    /** The content's CIDs and files by the names the cases use. */
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
        NAMES.put("TREE", tree.toString());
        NAMES.put("ROOT", pair.added(List.of("add", "-Q", "-r", tree.toString())));
        // Kubo's repository pins the empty directory from its start; p2pkit's gets the same pin
        pair.added(List.of("add", "-Q", "-r", Files.createDirectories(dir.resolve("nothing")).toString()));
        NAMES.put("K36", kubo.cli().run(List.of("cid", "format", "-b", "base36", NAMES.get("ROOT"))).strip());
        NAMES.put("SUB", kubo.cli().run(List.of("resolve", "/ipfs/" + NAMES.get("ROOT") + "/sub")).strip().substring(6));
        Path object = Files.writeString(dir.resolve("node.json"), fill("{\"t\":{\"/\":\"ROOT\"},\"n\":1}"));
        NAMES.put("OBJ", object.toString());
        NAMES.put("CBOR", pair.added(List.of("dag", "put", object.toString())));
        Path car = Files.write(dir.resolve("tree.car"), kubo.cli().runBytes(List.of("dag", "export", NAMES.get("ROOT"))));
        NAMES.put("CAR", car.toString());
        for (List<String> both : List.of(List.of("files", "cp", "/ipfs/" + NAMES.get("ROOT"), "/t"))) {
            kubo.cli().run(both);
            client.run(pair.withApi(both));
        }
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

    /** What {@code ipfs <args>} shows against Kubo, then against p2pkit: exit status, stdout, stderr. */
    private static List<String> both(List<String> args) throws IOException {
        P2pkitCli.Result k = kubo.cli().runAny(args);
        // Kubo's daemon refuses a bad cid-base before it reads an add's upload and closes the
        // connection; now and then its CLI, still uploading, then prints the reset instead of the
        // error. That is Kubo's race, not an answer to compare: its side runs again (at most five
        // times: under CI's load three runs in a row met it once).
        for (int retry = 0; retry < 5 && k.err().contains("write: connection reset by peer"); retry++) {
            k = kubo.cli().runAny(args);
        }
        P2pkitCli.Result p = client.runAny(pair.withApi(args));
        return List.of(k.status() + "\n" + k.out() + k.err(), p.status() + "\n" + p.out() + p.err());
    }

    /** A case's arguments: '|' between them, the content's names in place of CIDs and files. */
    private static List<String> args(String command) {
        return Arrays.stream(command.split("\\|")).map(CidBaseKuboInteropTest::fill).toList();
    }

    /**
     * Runs a case on both daemons, '!' first when it fails (Kubo's exit status 1), so that two equal
     * failures cannot pass for a success.
     */
    @ParameterizedTest(name = "ipfs {0}")
    @ValueSource(strings = {
            "add|--progress=false|-r|--cid-base=base36|TREE", "add|--progress=false|-r|--upgrade-cidv0-in-output|TREE",
            "add|--progress=false|-Q|-r|--cid-base=base58btc|--upgrade-cidv0-in-output=false|TREE",
            "add|--progress=false|-r|--cid-version=1|--cid-base=k|TREE", "!add|--progress=false|--cid-base=base10|-r|TREE",
            "ls|--cid-base=base36|ROOT", "ls|-v|--upgrade-cidv0-in-output|ROOT", "ls|--enc=json|--cid-base=base58btc|ROOT",
            "ls|-s|--cid-base=base32|K36", "!ls|--cid-base=nope|ROOT",
            "pin|ls|--cid-base=base36|ROOT", "pin|ls|--enc=json|--cid-base=base36|--upgrade-cidv0-in-output=false|ROOT",
            "pin|ls|SUB", "pin|ls|--cid-base=base36|SUB", "pin|ls|--enc=json|--upgrade-cidv0-in-output|SUB", "!block|rm|SUB",
            "pin|add|--cid-base=base36|SUB", "pin|ls|--stream|--upgrade-cidv0-in-output|SUB",
            "pin|update|--unpin=false|--cid-base=base36|SUB|SUB", "pin|rm|--cid-base=z|SUB", "!pin|rm|SUB", "!pin|add|--cid-base=x|SUB",
            "refs|-r|--cid-base=base36|ROOT", "refs|-e|--upgrade-cidv0-in-output|ROOT",
            "refs|-r|--format=<src> <linkname> <dst>|--cid-base=base58btc|CBOR", "refs|--enc=json|--cid-base=base32|K36",
            "!refs|--cid-base=nope|ROOT",
            "resolve|--cid-base=base36|/ipfs/ROOT/sub", "resolve|--upgrade-cidv0-in-output|/ipfs/ROOT/sub",
            "resolve|/ipfs/K36/sub", "resolve|--upgrade-cidv0-in-output=false|/ipfs/K36/sub",
            "resolve|--cid-base=base32|K36/sub", "resolve|--cid-base=base58btc|/ipfs/CBOR/t/sub",
            "!resolve|--cid-base=nope|/ipfs/ROOT/sub",
            "files|stat|--cid-base=base36|/t", "files|stat|--hash|--upgrade-cidv0-in-output|/t/a.txt",
            "files|ls|-l|--cid-base=base36|/t", "files|ls|-l|--cid-base=base36|/t/a.txt", "files|flush|--cid-base=base36|/t",
            "!files|ls|--cid-base=nope|/t",
            "dag|put|--cid-base=base36|OBJ", "dag|resolve|--cid-base=base36|ROOT/sub", "dag|resolve|K36/sub",
            "dag|resolve|--upgrade-cidv0-in-output|/ipfs/K36/sub", "dag|import|--cid-base=base36|CAR",
            "dag|import|--upgrade-cidv0-in-output|--stats|CAR", "bitswap|wantlist|--cid-base=base36"})
    void commandsWriteCidsAsKubosDo(String command) throws IOException {
        boolean fails = command.startsWith("!");
        List<String> args = args(command.substring(fails ? 1 : 0));
        List<String> out = both(args);
        System.out.println("$ ipfs " + String.join(" ", args) + "\n" + out.get(0));
        assertEquals(out.get(0), out.get(1), "ipfs " + String.join(" ", args));
        assertEquals(fails ? "1" : "0", out.get(0).substring(0, 1), "ipfs " + String.join(" ", args) + ": " + out.get(0));
    }

    /** Listings in Go's map order (or a datastore's): the same lines, sorted. */
    @ParameterizedTest(name = "ipfs {0}")
    @ValueSource(strings = {"pin|ls|--cid-base=base36", "pin|ls|--type=recursive|--upgrade-cidv0-in-output|--enc=json",
            "pin|verify|--verbose|--cid-base=base36", "pin|verify|--verbose|--enc=json|--upgrade-cidv0-in-output"})
    void listingsHoldTheSameLines(String command) throws IOException {
        List<String> args = args(command);
        List<String> out = both(args);
        System.out.println("$ ipfs " + String.join(" ", args) + "\n" + out.get(0));
        assertEquals(out.get(0).lines().sorted().toList(), out.get(1).lines().sorted().toList(), "ipfs " + String.join(" ", args));
        assertEquals("0", out.get(0).substring(0, 1), out.get(0));
    }

    /** What a daemon answered, the headers go-ipfs-cmds decides included. */
    private record Answer(int status, String type, String chunked, String body) {
    }

    private static Answer post(String base, String command, byte[] file) throws IOException {
        HttpRequest.Builder b = RpcPost.of(base, command, file);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("X-Chunked-Output").orElse(""), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * A command asked of both daemons over raw HTTP, names filled in; after '|', the name of the
     * file sent as its one file argument. '~' first: the identity base, whose text holds bytes that
     * are no UTF-8, which Go's JSON writes as an escaped U+FFFD and p2pkit as the character (the
     * same JSON value).
     */
    @ParameterizedTest(name = "POST /api/v0/{0}")
    @ValueSource(strings = {"dag/put?cid-base=base36&encoding=text|OBJ", "dag/put?cid-base=nope&encoding=text|OBJ",
            "dag/resolve?arg=ROOT/sub&cid-base=base36&encoding=text", "dag/resolve?arg=K36/sub&encoding=text",
            "dag/resolve?arg=/ipfs/K36/sub&cid-base=base32&upgrade-cidv0-in-output=true&encoding=text",
            "dag/resolve?arg=ROOT/sub&cid-base=nope&encoding=text", "dag/resolve?arg=ROOT/sub&cid-base=nope",
            "dag/import?cid-base=base36&encoding=text&stats=true|CAR",
            "dag/import?upgrade-cidv0-in-output=true&encoding=text|CAR", "dag/import?cid-base=nope|CAR",
            "bitswap/wantlist?cid-base=base36&encoding=text", "bitswap/stat?cid-base=nope",
            "bitswap/stat?cid-base=base36&encoding=text&human=true",
            "~add?cid-base=identity|OBJ", "add?cid-base=foo|OBJ", "add?cid-base=&upgrade-cidv0-in-output=1|OBJ",
            "add?upgrade-cidv0-in-output=maybe|OBJ", "pin/ls?arg=ROOT&cid-base=base36&encoding=text",
            "pin/ls?arg=ROOT&stream=true&quiet=true&upgrade-cidv0-in-output=true&encoding=text",
            "files/ls?arg=/t&long=true&cid-base=base36", "files/stat?arg=/t/a.txt&cid-base=base58btc"})
    void answersOverHttpAreKubos(String request) throws IOException {
        boolean identity = request.startsWith("~");
        String[] parts = request.substring(identity ? 1 : 0).split("\\|");
        String command = fill(parts[0]);
        byte[] file = parts.length > 1 ? Files.readAllBytes(Path.of(NAMES.get(parts[1]))) : null;
        Answer fromKubo = post(kubo.apiUrl(), command, file);
        Answer fromP2pkit = post(HttpAddress.url(node.apiAddress().orElseThrow()), command, file);
        System.out.println("POST " + command + "\n" + fromKubo);
        if (identity) {
            assertTrue(fromKubo.body().contains("\\ufffd"), "the case holds such bytes: " + fromKubo);
            fromKubo = new Answer(fromKubo.status(), fromKubo.type(), fromKubo.chunked(),
                    fromKubo.body().replace("\\ufffd", "\ufffd"));
        }
        assertEquals(fromKubo, fromP2pkit, command);
    }
}
