package io.p2pkit.node.names;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.node.routing.RoutingV1Client;
import io.p2pkit.node.rpc.NameCommands;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The names a node published stay alive: their last records are kept in the repository, and each
 * round signs them again with the same value, sequence and TTL and a new end, as Kubo's
 * republisher; a node started again on the repository goes on with them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NameRepublisherTest {
    private static final Duration LIFETIME = Duration.ofHours(48);
    private static final NodeConfig.IpnsRepublish NEVER = new NodeConfig.IpnsRepublish(Duration.ofHours(4), LIFETIME,
            Duration.ofHours(4));
    @TempDir
    Path dir;

    private record Put(PeerId name, IpnsRecord record) {
    }

    @Test
    void aRoundSignsEachPublishedNameAgainWithItsValueSequenceAndTtl() throws Exception {
        PrivateKey published = PrivateKey.generateEd25519();
        PrivateKey never = PrivateKey.generateEd25519();
        PeerId name = published.publicKey().toPeerId();
        PublishedNames names = new PublishedNames(dir);
        names.save(name, IpnsRecordSigner.sign(published, "/ipfs/bafkqaaa", 7, Instant.now().plus(Duration.ofHours(1)),
                Duration.ofMinutes(10)));
        List<Put> puts = new CopyOnWriteArrayList<>();
        try (NameRepublisher r = NameRepublisher.start(() -> List.of(published, never, published), names,
                (id, record) -> {
                    puts.add(new Put(id, IpnsRecord.decode(record)));
                    return 1;
                }, NEVER)) {
            Instant before = Instant.now();
            assertEquals(new NameRepublisher.Round(1, 0), r.republishAll(), "a key never published from here is left alone");
            assertEquals(1, puts.size());
            IpnsRecord again = puts.getFirst().record();
            assertEquals(name, puts.getFirst().name());
            assertEquals("/ipfs/bafkqaaa", again.valueText());
            assertEquals(7, again.sequence(), "the same sequence: only the end moves, as boxo's republisher");
            assertEquals(Duration.ofMinutes(10).toNanos(), again.ttlNanos());
            assertTrue(!again.validUntil().isBefore(before.plus(LIFETIME)), "valid for the lifetime from now");
            assertArrayEquals(again.data(), names.last(name).orElseThrow().data(), "the new record is kept");
        }
    }

    @Test
    void aLaterEndIsKeptAndARoundThatReachesNoOneCountsAsFailed() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId name = key.publicKey().toPeerId();
        PublishedNames names = new PublishedNames(dir);
        Instant far = Instant.now().plus(Duration.ofDays(365));
        names.save(name, IpnsRecordSigner.sign(key, "/ipfs/bafkqaaa", 1, far, Duration.ofHours(1)));
        List<IpnsRecord> puts = new CopyOnWriteArrayList<>();
        try (NameRepublisher r = NameRepublisher.start(() -> List.of(key), names, (id, record) -> {
            puts.add(IpnsRecord.decode(record));
            return 0;
        }, NEVER)) {
            assertEquals(new NameRepublisher.Round(0, 1), r.republishAll());
            assertEquals(far.getEpochSecond(), puts.getFirst().validUntil().getEpochSecond(),
                    "a record valid longer than the lifetime keeps its end");
        }
    }

    @Test
    void anUnreadableRecordIsNotRepublished() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId name = key.publicKey().toPeerId();
        Files.createDirectories(dir.resolve("ipns"));
        Files.write(dir.resolve("ipns").resolve(name.toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36)),
                new byte[] {1, 2, 3});
        try (NameRepublisher r = NameRepublisher.start(() -> List.of(key), new PublishedNames(dir), (id, record) -> 1, NEVER)) {
            assertEquals(new NameRepublisher.Round(0, 0), r.republishAll());
        }
    }

    @Test
    void roundsComeOnTheirOwn() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PublishedNames names = new PublishedNames(dir);
        names.save(key.publicKey().toPeerId(), IpnsRecordSigner.sign(key, "/ipfs/bafkqaaa", 0,
                Instant.now().plus(Duration.ofHours(1)), Duration.ofHours(1)));
        List<IpnsRecord> puts = new CopyOnWriteArrayList<>();
        NodeConfig.IpnsRepublish often = new NodeConfig.IpnsRepublish(Duration.ofMillis(100), LIFETIME, Duration.ZERO);
        try (NameRepublisher ignored = NameRepublisher.start(() -> List.of(key), names, (id, record) -> {
            puts.add(IpnsRecord.decode(record));
            return 1;
        }, often)) {
            Await.until("three rounds at one every 100 ms", () -> puts.size() >= 3, Duration.ofSeconds(20));
        }
        assertTrue(puts.stream().allMatch(p -> p.sequence() == 0));
    }

    /**
     * A node publishes through a delegated router; its republisher then refreshes the router's
     * record by itself, and a node started again on the same repository goes on doing so.
     */
    @Test
    void aNodeKeepsItsNameAliveAcrossARestart() throws Exception {
        try (Node router = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .gateway(NodeConfig.Http.gateway(new InetSocketAddress("127.0.0.1", 0))).build());
             RoutingV1Client client = new RoutingV1Client(URI.create(HttpAddress.url(router.gatewayAddress().orElseThrow())))) {
            Path repo = dir.resolve("repo");
            Repository.init(repo, RepoConfig.defaults());
            NodeConfig.IpnsRepublish often = new NodeConfig.IpnsRepublish(Duration.ofMillis(200), LIFETIME,
                    Duration.ofMillis(200));
            NodeConfig config = NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").identity(PrivateKey.generateEd25519())
                    .delegatedRouters(List.of(URI.create(HttpAddress.url(router.gatewayAddress().orElseThrow()))))
                    .content(NodeConfig.Content.of(repo)).ipnsRepublish(often).build();
            PeerId name;
            try (Node node = Node.start(config)) {
                name = node.peerId();
                NameCommands.publish(node, node.host().identity(), "/ipfs/bafkqaaa", Duration.ofHours(1), Duration.ofHours(1),
                        false);
                long sequence = new PublishedNames(repo).last(name).orElseThrow().sequence();
                // published for an hour; only the republisher makes it valid for a day and more
                IpnsRecord refreshed = awaitLaterThan(client, name, Instant.now().plus(Duration.ofHours(24)));
                assertEquals(sequence, refreshed.sequence());
                assertEquals("/ipfs/bafkqaaa", refreshed.valueText());
            }
            Instant kept = new PublishedNames(repo).last(name).orElseThrow().validUntil();
            try (Node again = Node.start(config)) {
                IpnsRecord afterRestart = awaitLaterThan(client, name, kept);
                assertEquals("/ipfs/bafkqaaa", afterRestart.valueText());
            }
        }
    }

    private static IpnsRecord awaitLaterThan(RoutingV1Client client, PeerId name, Instant end) throws Exception {
        Await.until("a record of " + name + " valid after " + end, () -> routerRecord(client, name)
                .map(r -> r.validUntil().isAfter(end)).orElse(false), Duration.ofSeconds(30));
        return routerRecord(client, name).orElseThrow();
    }

    private static Optional<IpnsRecord> routerRecord(RoutingV1Client client, PeerId name) {
        try {
            return client.getIpns(name).map(IpnsRecord::decode);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
