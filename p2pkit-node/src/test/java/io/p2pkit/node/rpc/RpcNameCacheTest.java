package io.p2pkit.node.rpc;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.content.IpnsNames;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's name cache as Kubo's name system keeps it: a resolved name is not looked up again
 * while its record's TTL lasts (so a newer record reaches the routing unseen), {@code --nocache}
 * looks it up and keeps nothing, {@code name put} and {@code name publish} replace what is kept,
 * the gateway shares it, and {@code Ipns.MaxCacheTTL} caps it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcNameCacheTest {
    private static final String A = "/ipfs/bafkqaaa";
    private static final String B = "/ipfs/bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba";
    private static final String C = "/ipfs/QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";

    @TempDir
    Path dir;

    /** A node with a repository (the gateway serves from it) and its own cache settings. */
    private Node start(NodeConfig.IpnsCache cache) throws Exception {
        Path repo = Files.createTempDirectory(dir, "repo").resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        return Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(repo))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0)))
                .ipnsCache(cache).build());
    }

    /** Puts a record for {@code key} straight into the node's DHT, behind the name system's back. */
    private static void putBehind(Node node, PrivateKey key, String value, long sequence) throws Exception {
        byte[] record = IpnsRecordSigner.sign(key, value, sequence, Instant.now().plus(Duration.ofDays(1)), Duration.ofHours(1));
        node.dht().orElseThrow().putValue(IpnsNames.dhtKey(key.publicKey().toPeerId()), record);
    }

    @Test
    void aResolvedNameIsKeptForItsTtlAndNocacheLooksItUp() throws Exception {
        try (Node node = start(NodeConfig.IpnsCache.DEFAULT); HttpClient http = HttpClient.newHttpClient()) {
            PrivateKey key = PrivateKey.generateEd25519();
            String name = name(key.publicKey().toPeerId());
            putBehind(node, key, A, 0);
            assertEquals(path(A), post(http, node, "name/resolve?arg=" + name).body().strip());
            putBehind(node, key, B, 1);
            assertEquals(path(A), post(http, node, "name/resolve?arg=" + name).body().strip(), "kept for the record's hour");
            assertEquals(path(A), post(http, node, "resolve?arg=/ipns/" + name).body().strip(), "resolve shares it");
            HttpResponse<String> site = get(http, node, "/ipns/" + name);
            assertEquals(200, site.statusCode(), site.headers() + " " + site.body());
            assertEquals(A.substring(6), site.headers().firstValue("X-Ipfs-Roots").orElseThrow(), "the gateway shares it");
            assertEquals(path(B), post(http, node, "name/resolve?arg=" + name + "&nocache=true").body().strip());
            assertEquals(path(A), post(http, node, "name/resolve?arg=" + name).body().strip(),
                    "an uncached resolution keeps nothing, as Kubo's");

            // a record put here replaces what was kept
            byte[] next = IpnsRecordSigner.sign(key, C, 2, Instant.now().plus(Duration.ofDays(1)), Duration.ofHours(1));
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(api(node) + "name/put?arg=" + name
                            + "&allow-offline=true"))
                    .header("Content-Type", "multipart/form-data; boundary=X")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(next))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
            assertEquals(path(C), post(http, node, "name/resolve?arg=" + name).body().strip());
        }
    }

    @Test
    void aNamePublishedHereResolvesToItsNewValueAtOnce() throws Exception {
        try (Node node = start(NodeConfig.IpnsCache.DEFAULT); HttpClient http = HttpClient.newHttpClient()) {
            String name = name(node.peerId());
            assertEquals(200, post(http, node, "name/publish?arg=" + A + "&allow-offline=true&resolve=false").statusCode());
            assertEquals(path(A), post(http, node, "name/resolve").body().strip());
            assertEquals(200, post(http, node, "name/publish?arg=" + B + "&allow-offline=true&resolve=false").statusCode());
            assertEquals(path(B), post(http, node, "name/resolve?arg=" + name).body().strip());
            assertEquals(B, node.nameCache().get(io.p2pkit.node.names.NameCache.key(node.peerId())).orElseThrow().value());
        }
    }

    @Test
    void aZeroMaxCacheTtlLooksEveryNameUpAndACapShortensTheGatewaysMaxAge() throws Exception {
        try (Node off = start(new NodeConfig.IpnsCache(128, Optional.of(Duration.ZERO)));
             Node capped = start(new NodeConfig.IpnsCache(128, Optional.of(Duration.ofSeconds(30))));
             HttpClient http = HttpClient.newHttpClient()) {
            PrivateKey key = PrivateKey.generateEd25519();
            String name = name(key.publicKey().toPeerId());
            putBehind(off, key, A, 0);
            assertEquals(path(A), post(http, off, "name/resolve?arg=" + name).body().strip());
            assertEquals("public, max-age=3600", get(http, off, "/ipns/" + name).headers().firstValue("Cache-Control")
                    .orElseThrow(), "a zero cap leaves the record's TTL as it is");
            putBehind(off, key, B, 1);
            assertEquals(path(B), post(http, off, "name/resolve?arg=" + name).body().strip());

            putBehind(capped, key, A, 0);
            for (int i = 0; i < 2; i++) { // looked up, then a hit
                HttpResponse<String> r = get(http, capped, "/ipns/" + name);
                String cc = r.headers().firstValue("Cache-Control").orElseThrow();
                long maxAge = Long.parseLong(cc.substring("public, max-age=".length()));
                assertTrue(maxAge <= 30 && maxAge > 20, cc);
            }
        }
    }

    /** Kubo's IPFS_NS_MAP on a node: fixed names win over the DHT, with or without the cache, at the gateway too. */
    @Test
    void fixedNamesWinOverTheRoutingEverywhere() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        String name = name(key.publicKey().toPeerId());
        Path repo = Files.createTempDirectory(dir, "repo").resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        try (Node node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(repo))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0)))
                .fixedNames(io.p2pkit.node.names.NameCache.fixedNames("fixed.example.com:" + A + "," + name + ":/ipns/fixed.example.com"))
                .build());
             HttpClient http = HttpClient.newHttpClient()) {
            putBehind(node, key, B, 5);
            assertEquals(path(A), post(http, node, "name/resolve?arg=" + name).body().strip(), "the fixed name, then the domain");
            assertEquals(path(A), post(http, node, "name/resolve?arg=" + name + "&nocache=true").body().strip());
            assertEquals(path("/ipns/fixed.example.com"), post(http, node, "name/resolve?arg=" + name
                    + "&recursive=false").body().strip());
            assertEquals(path(A), post(http, node, "name/resolve?arg=fixed.example.com").body().strip(),
                    "a fixed domain needs no DNS server");
            HttpResponse<String> site = get(http, node, "/ipns/fixed.example.com");
            assertEquals(200, site.statusCode(), site.headers() + " " + site.body());
            assertEquals(A.substring(6), site.headers().firstValue("X-Ipfs-Roots").orElseThrow());
        }
    }

    private static String name(PeerId id) {
        return id.toString(Multibase.Encoding.BASE36);
    }

    private static String path(String p) {
        return "{\"Path\":\"" + p + "\"}";
    }

    private static String api(Node node) {
        return HttpAddress.url(node.apiAddress().orElseThrow()) + "/api/v0/";
    }

    private static byte[] multipart(byte[] record) {
        byte[] head = ("--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"record\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = "\r\n--X--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + record.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(record, 0, out, head.length, record.length);
        System.arraycopy(tail, 0, out, head.length + record.length, tail.length);
        return out;
    }

    private static HttpResponse<String> post(HttpClient http, Node node, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api(node) + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient http, Node node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(HttpAddress.url(node.gatewayAddress().orElseThrow()) + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
