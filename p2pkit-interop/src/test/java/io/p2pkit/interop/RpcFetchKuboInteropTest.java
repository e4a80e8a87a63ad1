package io.p2pkit.interop;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The RPC commands that read content ({@code ls}, {@code dag/get}, {@code block/stat},
 * {@code dag/stat}) on a p2pkit daemon that holds none of it, connected to a Kubo 0.39 daemon that
 * added it: p2pkit fetches what the command walks over Bitswap and answers byte for byte what Kubo
 * answers on its own content; with {@code offline=true}, a block neither has fetched is Kubo's same
 * error on both.
 */
@InteropArea("RPC API: commands that fetch content, against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RpcFetchKuboInteropTest {
    /** One command, asked of both daemons. */
    enum Query {
        LS_DIRECTORY, LS_SUBDIRECTORY_BY_PATH, DAG_GET_THROUGH_A_PATH, BLOCK_STAT_BY_PATH, DAG_STAT, OFFLINE_MISSING_BLOCK
    }

    private static KuboDaemon kubo;
    private static Node node;
    private static HttpClient http;
    private static String root;
    private static String cbor;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        Path tree = Files.createDirectories(dir.resolve("tree"));
        write(tree.resolve("big.bin"), 3 << 20);
        Files.writeString(tree.resolve("small.txt"), "small\n");
        Files.writeString(Files.createDirectories(tree.resolve("sub")).resolve("deep.txt"), "deep\n");
        root = kubo.cli().addQuiet(List.of("-r", "--progress=false", tree.toString())).strip();
        Path json = dir.resolve("node.json");
        Files.writeString(json, "{\"tree\":{\"/\":\"" + root + "\"},\"list\":[\"a\",{\"n\":7}]}");
        cbor = kubo.cli().run(List.of("dag", "put", json.toString())).strip();

        Repository.init(dir.resolve("p2pkit-repo"), RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(dir.resolve("p2pkit-repo"))).build());
        node.host().connect(PeerInfo.fromMultiaddr(Multiaddr.parse(kubo.address())));
        http = HttpClient.newHttpClient();
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

    @ParameterizedTest(name = "{0}")
    @EnumSource(Query.class)
    void p2pkitAnswersAsKuboDoes(Query query) throws Exception {
        String command = switch (query) {
            case LS_DIRECTORY -> "ls?arg=" + root;
            case LS_SUBDIRECTORY_BY_PATH -> "ls?arg=/ipfs/" + root + "/sub";
            case DAG_GET_THROUGH_A_PATH -> "dag/get?arg=" + cbor + "/list/1";
            case BLOCK_STAT_BY_PATH -> "block/stat?arg=/ipfs/" + root + "/small.txt";
            case DAG_STAT -> "dag/stat?progress=false&arg=" + root;
            // a block neither daemon has: Kubo made it with --only-hash
            case OFFLINE_MISSING_BLOCK -> "block/stat?offline=true&arg=" + onlyHash();
        };
        HttpResponse<String> fromKubo = post(kubo.apiUrl(), command);
        HttpResponse<String> fromP2pkit = post(HttpAddress.url(node.apiAddress().orElseThrow()), command);
        assertEquals(fromKubo.statusCode(), fromP2pkit.statusCode(), command + ": " + fromP2pkit.body());
        assertEquals(fromKubo.body(), fromP2pkit.body(), command);
    }

    private static String onlyHash() throws IOException {
        Path f = dir.resolve("nowhere.txt");
        Files.writeString(f, "in no blockstore\n");
        return kubo.cli().addQuiet(List.of("--only-hash", "--progress=false", f.toString())).strip();
    }

    private static HttpResponse<String> post(String api, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void write(Path p, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(20).nextBytes(bytes);
        try (OutputStream out = Files.newOutputStream(p)) {
            out.write(bytes);
        }
    }
}
