package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.car.CarReader;
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

import java.io.ByteArrayInputStream;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dag/export} streams, as Kubo's: a block missing below the root ends the CAR with the error
 * in the {@code X-Stream-Error} trailer, a missing root is an error before any output, and
 * {@code local-only} (Kubo 0.42) writes what is here; {@code dag/import?local-only} takes such a
 * partial CAR without pinning, and a root that does not pin is never fetched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcDagExportTest {
    private static final String BOUNDARY = "dagexport";
    @TempDir
    static Path dir;
    private static Node node;
    private static HttpClient client;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        Repository.init(dir.resolve("repo"), RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(dir.resolve("repo"))).build());
        client = HttpClient.newHttpClient();
        api = HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
    }

    @AfterAll
    static void stop() {
        client.close();
        node.close();
    }

    /** root → [a → leaf, b], with {@code a} taken out of the repository. */
    private static Cid[] dagWithoutA(String tag) throws Exception {
        Cid leaf = put("{\"leaf\":\"" + tag + "\"}");
        Cid a = put("{\"a\":{\"/\":\"" + leaf + "\"}}");
        Cid b = put("{\"b\":\"" + tag + "\"}");
        Cid root = put("{\"list\":[{\"/\":\"" + a + "\"},{\"/\":\"" + b + "\"}]}");
        assertEquals(200, post("block/rm?arg=" + a).statusCode());
        return new Cid[] {root, a, b, leaf};
    }

    @Test
    void aMissingBlockEndsTheStreamWithTheErrorInTheTrailer() throws Exception {
        Cid[] dag = dagWithoutA("trailer");
        String whole = raw("dag/export?offline=true&arg=" + dag[0]);
        assertTrue(whole.startsWith("HTTP/1.1 200"), whole);
        assertTrue(whole.contains("X-Stream-Error: block was not found locally (offline): ipld: could not find " + dag[1]
                + " (currently offline, perhaps retry without the offline flag)"), whole);

        HttpResponse<String> noRoot = post("dag/export?offline=true&arg=" + dag[1]);
        assertEquals(500, noRoot.statusCode(), "a missing root is an error before any CAR");
        assertTrue(noRoot.body().contains("could not find " + dag[1]), noRoot.body());
    }

    @Test
    void localOnlyWritesWhatIsHereAndImportTakesItWithoutPinning() throws Exception {
        Cid[] dag = dagWithoutA("partial");
        HttpResponse<byte[]> partial = client.send(HttpRequest.newBuilder(URI.create(api + "dag/export?local-only=true&arg="
                + dag[0])).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, partial.statusCode());
        assertEquals(List.of(dag[0], dag[2]), cids(partial.body()), "a and what only a leads to are left out");

        HttpResponse<String> both = post("dag/export?local-only=true&offline=false&arg=" + dag[0]);
        assertEquals(500, both.statusCode());
        assertTrue(both.body().contains("--local-only implies --offline"), both.body());

        String car = new String(partial.body(), StandardCharsets.ISO_8859_1);
        HttpResponse<String> pinning = upload("dag/import?local-only=true&pin-roots=true", car);
        assertEquals(500, pinning.statusCode());
        assertTrue(pinning.body().contains("--local-only implies --pin-roots=false"), pinning.body());
        String imported = upload("dag/import?local-only=true&stats=true", car).body();
        assertTrue(imported.matches("\\{\"Stats\":\\{\"BlockCount\":2,\"BlockBytesCount\":\\d+}}\n"), "no roots: " + imported);
        // without local-only the root does not pin, and the block it lacks is not fetched
        String pinned = upload("dag/import", car).body();
        assertEquals("{\"Root\":{\"Cid\":{\"/\":\"" + dag[0] + "\"},\"PinErrorMsg\":\"block was not found locally "
                + "(offline): ipld: could not find " + dag[1] + "\"}}\n", pinned);
    }

    private static List<Cid> cids(byte[] car) throws Exception {
        List<Cid> out = new ArrayList<>();
        try (CarReader r = CarReader.open(new ByteArrayInputStream(car))) {
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                out.add(b.get().cid());
            }
        }
        return out;
    }

    private static Cid put(String json) throws Exception {
        String body = upload("dag/put", json).body();
        return Cid.parse(body.substring(body.indexOf(":\"") + 2, body.indexOf("\"}}")));
    }

    private static HttpResponse<String> post(String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api + command)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> upload(String command, String content) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(content.getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return client.send(HttpRequest.newBuilder(URI.create(api + command))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The whole HTTP/1.1 answer as it came, trailer included (HttpClient drops trailers). */
    private static String raw(String command) throws Exception {
        InetSocketAddress address = node.apiAddress().orElseThrow();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v0/" + command + " HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
