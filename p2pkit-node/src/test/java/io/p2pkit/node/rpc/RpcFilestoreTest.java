package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code add?nocopy=true} and {@code filestore/*} over an in-JVM node whose filestore is on, and
 * the errors of one where it is off.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RpcFilestoreTest {
    private static final String BOUNDARY = "b0undary43";
    private static final int CHUNK = 256 * 1024;

    @TempDir
    static Path dir;
    private static Node on;
    private static Node off;
    private static HttpClient client;
    private static Path file;

    @BeforeAll
    static void start() throws Exception {
        Repository.init(dir.resolve("on/repo"), RepoConfig.defaults().with(Repository.FILESTORE_ENABLED, "true"));
        Repository.init(dir.resolve("off/repo"), RepoConfig.defaults());
        on = start(dir.resolve("on/repo"));
        off = start(dir.resolve("off/repo"));
        client = HttpClient.newHttpClient();
        byte[] data = new byte[2 * CHUNK + 5];
        new SplittableRandom(3).nextBytes(data);
        file = Files.write(dir.resolve("on/data file.bin"), data);
    }

    private static Node start(Path repo) throws java.io.IOException {
        return Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
    }

    @AfterAll
    static void stop() {
        client.close();
        on.close();
        off.close();
    }

    private static String api(Node node) {
        return HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
    }

    private static HttpResponse<String> post(Node node, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api(node) + command)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One file part as Kubo's CLI sends it, with its Abspath-Encoded header. */
    private static HttpResponse<String> addNocopy(Node node, Path f, String query) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + f.getFileName().toString().replace(" ", "+") + "\"\r\nAbspath-Encoded: "
                + URLEncoder.encode(f.toString(), StandardCharsets.UTF_8)
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(Files.readAllBytes(f));
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(URI.create(api(node) + "add?" + query)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void nocopyAddRecordsReferencesAndLsListsThem() throws Exception {
        HttpResponse<String> add = addNocopy(on, file, "nocopy=true&quiet=true");
        assertEquals(200, add.statusCode(), add.body());
        HttpResponse<String> ls = post(on, "filestore/ls?file-order=true");
        assertEquals(200, ls.statusCode(), ls.body());
        String[] lines = ls.body().strip().split("\n");
        assertEquals(3, lines.length, ls.body());
        assertTrue(lines[0].matches("\\{\"Status\":0,\"ErrorMsg\":\"\",\"Key\":\\{\"/\":\"bafkrei[a-z2-7]+\"},"
                + "\"FilePath\":\"data file.bin\",\"Offset\":0,\"Size\":262144}"), lines[0]);
        assertTrue(lines[2].endsWith("\"FilePath\":\"data file.bin\",\"Offset\":524288,\"Size\":5}"), lines[2]);
        String dups = post(on, "filestore/dups").body();
        assertEquals("", dups.strip());
        assertTrue(post(on, "filestore/verify").body().lines().allMatch(l -> l.startsWith("{\"Status\":0,")));
    }

    @Test
    @Order(2)
    void aChangedFileFailsCatAndVerifySaysChanged() throws Exception {
        String root = addNocopy(on, file, "nocopy=true&quieter=true").body().replaceAll(".*\"Hash\":\"([^\"]+)\".*", "$1")
                .strip();
        assertEquals(200, post(on, "cat?arg=" + root).statusCode());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(CHUNK + 1);
            raf.write(raf.read() ^ 1);
        }
        // the read stops at the changed block (its error goes in the X-Stream-Error trailer): no wrong bytes
        HttpResponse<String> cat = post(on, "cat?arg=" + root);
        assertTrue(cat.body().length() <= CHUNK, "stopped at the changed block: " + cat.body().length());
        String changed = post(on, "filestore/ls?file-order=true").body().lines().toList().get(1)
                .replaceAll(".*\"Key\":\\{\"/\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> get = post(on, "block/get?arg=" + changed);
        assertEquals(500, get.statusCode());
        assertTrue(get.body().contains("\"Message\":\"data in file did not match. data file.bin offset " + CHUNK + "\""),
                get.body());
        String verify = post(on, "filestore/verify?file-order=true").body();
        assertTrue(verify.lines().toList().get(1).startsWith("{\"Status\":12,\"ErrorMsg\":\"data in file did not match."),
                verify);
        String removed = post(on, "filestore/verify?remove-bad-blocks=true").body();
        assertEquals(3, removed.lines().count(), removed);
        assertEquals(2, post(on, "filestore/ls").body().lines().count());
        assertTrue(Files.exists(file));
    }

    @Test
    @Order(3)
    void offAndMisusedGiveKubosErrors() throws Exception {
        HttpResponse<String> add = addNocopy(off, file, "nocopy=true");
        assertEquals(500, add.statusCode());
        assertTrue(add.body().contains("either the filestore or the urlstore must be enabled to use nocopy"), add.body());
        HttpResponse<String> ls = post(off, "filestore/ls");
        assertEquals(500, ls.statusCode());
        assertTrue(ls.body().contains("\"Message\":\"filestore is not enabled, see https://git.io/vNItf\""), ls.body());
        HttpResponse<String> noRaw = addNocopy(on, file, "nocopy=true&raw-leaves=false");
        assertTrue(noRaw.body().contains("nocopy option requires '--raw-leaves' to be enabled as well"), noRaw.body());
        Path outside = Files.write(dir.resolve("outside.bin"), new byte[10]);
        HttpResponse<String> out = addNocopy(on, outside, "nocopy=true");
        assertTrue(out.body().contains("cannot add filestore references outside ipfs root (" + dir.resolve("on") + ")")
                || out.headers().firstValue("X-Stream-Error").orElse("").contains("outside ipfs root"), out.body());
        HttpResponse<String> bad = post(on, "filestore/ls?arg=notacid");
        assertTrue(bad.body().startsWith("{\"Status\":20,\"ErrorMsg\":\"notacid: "), bad.body());
        assertTrue(bad.body().contains("\"Key\":null"), bad.body());
    }
}
