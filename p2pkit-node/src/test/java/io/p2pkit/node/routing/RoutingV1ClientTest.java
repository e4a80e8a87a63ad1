package io.p2pkit.node.routing;

import com.sun.net.httpserver.HttpServer;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing v1 client against p2pkit's own server, and against a server that misbehaves. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingV1ClientTest {
    @Test
    void aNodeWithoutADhtFindsContentThroughADelegatedRouter(@TempDir Path dir) throws Exception {
        Repository.init(dir.resolve("a"), RepoConfig.defaults());
        Repository.init(dir.resolve("b"), RepoConfig.defaults());
        Repository.init(dir.resolve("c"), RepoConfig.defaults());
        Block block = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "delegated".getBytes(StandardCharsets.UTF_8));
        try (Node a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .content(NodeConfig.Content.of(dir.resolve("a")))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build())) {
            a.content().orElseThrow().repository().blocks().put(block);
            a.dht().orElseThrow().provide(block.cid().multihash().bytes());
            URI endpoint = URI.create(HttpAddress.url(a.gatewayAddress().orElseThrow()));
            // B has no DHT and no connection to A: only the router can tell it where the block is.
            try (Node b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .content(NodeConfig.Content.of(dir.resolve("b"))).delegatedRouters(List.of(endpoint)).build())) {
                Optional<byte[]> got = b.content().orElseThrow().bitswap().fetch(block.cid(), Duration.ofSeconds(20));
                assertArrayEquals(block.data(), got.orElseThrow());
            }
            // Kubo's path-based URL (as AutoConf gives them): the router is asked for providers alone
            URI providersOnly = URI.create(endpoint + "/routing/v1/providers");
            try (Node c = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .content(NodeConfig.Content.of(dir.resolve("c"))).delegatedRouters(List.of(providersOnly)).build())) {
                Optional<byte[]> got = c.content().orElseThrow().bitswap().fetch(block.cid(), Duration.ofSeconds(20));
                assertArrayEquals(block.data(), got.orElseThrow());
                RoutingV1Client router = c.delegatedRouters().getFirst();
                assertEquals(RoutingV1Client.base(endpoint), router.endpoint());
                assertTrue(router.serves(RoutingV1Client.Capability.PROVIDERS));
                assertFalse(router.serves(RoutingV1Client.Capability.IPNS));
                assertEquals(List.of(), c.delegatedPublishers(), "a router of providers takes no IPNS records");
            }

            try (RoutingV1Client client = new RoutingV1Client(endpoint)) {
                List<PeerInfo> providers = new ArrayList<>();
                client.findProviders(block.cid(), 10, providers::add);
                assertEquals(List.of(a.peerId()), providers.stream().map(PeerInfo::peerId).toList());
                assertEquals(a.host().addresses(), client.findPeer(a.peerId()).orElseThrow().addresses());

                PrivateKey key = PrivateKey.generateEd25519();
                PeerId name = key.publicKey().toPeerId();
                assertTrue(client.getIpns(name).isEmpty());
                byte[] record = IpnsRecordSigner.sign(key, "/ipfs/" + block.cid(), 1,
                        Instant.now().plus(Duration.ofHours(1)), Duration.ofMinutes(1));
                client.putIpns(name, record);
                assertArrayEquals(record, client.getIpns(name).orElseThrow());
                IOException forged = assertThrows(IOException.class, () -> client.putIpns(
                        PrivateKey.generateEd25519().publicKey().toPeerId(), record));
                assertTrue(forged.getMessage().contains("400"), forged.getMessage());
            }
        }
    }

    /** Kubo's path-based routing URLs: one client per server, asked for what its URLs name. */
    @Test
    void urlsOfOneServerMakeOneClientAskedForWhatTheyName() {
        List<RoutingV1Client> clients = RoutingV1Client.grouped(List.of(URI.create("http://127.0.0.1:1/routing/v1/providers"),
                URI.create("https://127.0.0.1:2/"), URI.create("http://127.0.0.1:1/routing/v1/ipns/")));
        assertEquals(List.of(URI.create("http://127.0.0.1:1"), URI.create("https://127.0.0.1:2")),
                clients.stream().map(RoutingV1Client::endpoint).toList());
        RoutingV1Client first = clients.getFirst();
        assertTrue(first.serves(RoutingV1Client.Capability.PROVIDERS) && first.serves(RoutingV1Client.Capability.IPNS));
        assertFalse(first.serves(RoutingV1Client.Capability.PEERS));
        for (RoutingV1Client.Capability c : RoutingV1Client.Capability.values()) {
            assertTrue(clients.get(1).serves(c), "a bare URL is asked for everything");
        }
        assertEquals(URI.create("http://127.0.0.1:3/prefix"), RoutingV1Client.base(URI.create("http://127.0.0.1:3/prefix/")),
                "any other path is the API's prefix, as before");
        clients.forEach(RoutingV1Client::close);
    }

    @Test
    void aMisbehavingServerGivesErrorsNotCrashes() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/routing/v1/providers/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            boolean longLine = path.endsWith(LONG.toString());
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                if (longLine) {
                    out.write("x".repeat(RoutingV1Client.MAX_LINE + 10).getBytes(StandardCharsets.UTF_8));
                } else {
                    // a bad record among good ones: skipped; then malformed JSON: an error
                    out.write(("{\"Schema\":\"peer\",\"ID\":\"nope\",\"Addrs\":[]}\n"
                            + "{\"Schema\":\"other\"}\n"
                            + "{\"Schema\":\"peer\",\"ID\":\"" + PEER + "\",\"Addrs\":[\"/ip4/127.0.0.1/tcp/1\"]}\n"
                            + "{not json\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        server.createContext("/routing/v1/peers/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        try (RoutingV1Client client = new RoutingV1Client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))) {
            List<PeerInfo> found = new ArrayList<>();
            IOException malformed = assertThrows(IOException.class, () -> client.findProviders(GOOD, 10, found::add));
            assertTrue(malformed.getMessage().contains("malformed JSON"), malformed.getMessage());
            assertEquals(List.of(PEER), found.stream().map(PeerInfo::peerId).toList(), "the good record before it counted");
            IOException tooLong = assertThrows(IOException.class, () -> client.findProviders(LONG, 10, found::add));
            assertTrue(tooLong.getMessage().contains("over"), tooLong.getMessage());
            IOException status = assertThrows(IOException.class, () -> client.findPeer(PEER));
            assertTrue(status.getMessage().contains("500"), status.getMessage());
        } finally {
            server.stop(0);
        }
    }

    private static final PeerId PEER = PrivateKey.generateEd25519().publicKey().toPeerId();
    private static final io.p2pkit.core.multiformats.Cid GOOD = Block.create(Multicodec.RAW, Multicodec.SHA2_256,
            new byte[]{1}).cid();
    private static final io.p2pkit.core.multiformats.Cid LONG = Block.create(Multicodec.RAW, Multicodec.SHA2_256,
            new byte[]{2}).cid();
}
