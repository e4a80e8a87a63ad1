package io.p2pkit.interop;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.kad.record.NamespacedKey;
import io.p2pkit.core.multiformats.Multicodec;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo 0.39 as a client of p2pkit's Delegated Routing V1 HTTP API: Kubo's only router is an
 * {@code http} router ({@code Routing.Type custom}) whose endpoint is a p2pkit node's gateway.
 * Kubo finds p2pkit's providers and peers, fetches content it found that way over Bitswap,
 * resolves a name whose record is in p2pkit's DHT, and publishes a name into it.
 */
@InteropArea("Routing V1 HTTP with Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RoutingV1KuboInteropTest {
    private static Node node;
    private static KuboDaemon kubo;
    private static Block block;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(repo))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
        block = Block.create(Multicodec.RAW, Multicodec.SHA2_256,
                "found through p2pkit's routing v1 API".getBytes(StandardCharsets.UTF_8));
        node.content().orElseThrow().repository().blocks().put(block);
        node.dht().orElseThrow().provide(block.cid().multihash().bytes());
        String endpoint = HttpAddress.url(node.gatewayAddress().orElseThrow());
        String routing = "{\"Type\":\"custom\",\"Routers\":{\"p2pkit\":{\"Type\":\"http\",\"Parameters\":{\"Endpoint\":\""
                + endpoint + "\"}}},\"Methods\":{\"find-providers\":{\"RouterName\":\"p2pkit\"},\"find-peers\":"
                + "{\"RouterName\":\"p2pkit\"},\"get-ipns\":{\"RouterName\":\"p2pkit\"},\"put-ipns\":{\"RouterName\":"
                + "\"p2pkit\"},\"provide\":{\"RouterName\":\"p2pkit\"}}}";
        kubo = KuboDaemon.start(Toolchains.requireKubo(), List.of(List.of("config", "--json", "Routing", routing)));
    }

    @AfterAll
    static void stop() throws IOException {
        if (kubo != null) {
            kubo.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void kuboFindsP2pkitAmongTheProvidersAndFetchesFromIt() throws Exception {
        String providers = kubo.cli().runUntilSuccess(List.of("--timeout=20s", "routing", "findprovs",
                block.cid().toString()), Duration.ofSeconds(40));
        assertEquals(node.peerId().toString(), providers.strip());
        byte[] got = kubo.cli().runBytes(List.of("--timeout=30s", "block", "get", block.cid().toString()));
        assertArrayEquals(block.data(), got, "fetched over Bitswap from the provider the HTTP router named");
    }

    @Test
    void kuboFindsP2pkitsAddresses() throws Exception {
        String addrs = kubo.cli().runUntilSuccess(List.of("--timeout=20s", "routing", "findpeer",
                node.peerId().toString()), Duration.ofSeconds(40));
        String tcp = node.host().addresses().get(0).toString();
        assertTrue(addrs.lines().anyMatch(tcp::equals), addrs);
    }

    @Test
    void kuboResolvesNamesWhoseRecordsAreInP2pkitsDht() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        byte[] record = IpnsRecordSigner.sign(key, "/ipfs/" + block.cid(), 1, Instant.now().plus(Duration.ofHours(1)),
                Duration.ofMinutes(1));
        node.dht().orElseThrow().putValue(NamespacedKey.of("/ipns/", key.publicKey().toPeerId().bytes()), record);
        String name = key.publicKey().toPeerId().toString(Multibase.Encoding.BASE36);
        assertEquals("/ipfs/" + block.cid(), kubo.cli().runUntilSuccess(List.of("--timeout=20s", "name", "resolve",
                "/ipns/" + name), Duration.ofSeconds(40)).strip());
    }

    @Test
    void aNameKuboPublishesLandsInP2pkitsDht() throws Exception {
        String name = kubo.cli().run(List.of("key", "gen", "--ipns-base", "base36", "through-http")).strip();
        String published = kubo.cli().runUntilSuccess(List.of("--timeout=30s", "name", "publish", "--resolve=false",
                "--allow-offline", "--key", "through-http", "--ipns-base", "base36", "/ipfs/" + block.cid()),
                Duration.ofSeconds(60)).strip();
        assertTrue(published.contains(name), published);
        byte[] key = NamespacedKey.of("/ipns/", io.p2pkit.core.identity.PeerId.parse(name).bytes());
        io.p2pkit.testing.Await.until("Kubo's record in p2pkit's DHT", () -> node.dht().orElseThrow().recordStore()
                .get(key).isPresent(), Duration.ofSeconds(30));
    }
}
