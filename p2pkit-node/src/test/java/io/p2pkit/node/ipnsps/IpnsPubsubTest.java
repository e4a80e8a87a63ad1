package io.p2pkit.node.ipnsps;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.reqres.Codec;
import io.p2pkit.core.reqres.RequestResponse;
import io.p2pkit.core.reqres.RequestResponseConfig;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPNS over pubsub between p2pkit nodes: the topic is Kubo's, a late joiner fetches the record
 * over {@code /libp2p/fetch/0.0.1}, better records travel over pubsub and worse ones do not
 * replace them, invalid records (by pubsub or fetched) are dropped and counted, and cancelling
 * ends a subscription. Nodes a and b run IPNS over pubsub; c runs plain pubsub only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IpnsPubsubTest {
    private static final String VALUE = "/ipfs/bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
    private static Node a;
    private static Node b;
    private static Node c;

    @BeforeAll
    static void start() throws Exception {
        a = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").ipnsPubsub(true).build());
        b = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").ipnsPubsub(true).build());
        c = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").pubsub(NodeConfig.Pubsub.gossipsub()).build());
    }

    @AfterAll
    static void stop() {
        Stream.of(a, b, c).forEach(Node::close);
    }

    private static byte[] record(PrivateKey key, long sequence) {
        return IpnsRecordSigner.sign(key, VALUE, sequence, Instant.now().plus(Duration.ofHours(1)), Duration.ofHours(1));
    }

    private static void connect(Node from, Node to, String topic) throws Exception {
        from.host().connect(to.addresses().getFirst());
        Await.until(from.peerId() + " sees " + to.peerId() + " on " + topic,
                () -> from.pubsub().orElseThrow().topicPeers(topic).contains(to.peerId()), Duration.ofSeconds(20));
    }

    @Test
    void theTopicIsTheOneKuboSubscribesTo() {
        // what Kubo 0.39's `ipfs pubsub ls` showed after `ipfs name resolve` of this name
        assertEquals("/record/L2lwbnMvACQIARIgL_o1qZ06PPuxe7fB3FVhsYqNzKTfONxhPqhZw36xM2s",
                IpnsPubsub.topic(PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")));
    }

    @Test
    void aLateJoinerFetchesTheRecordThenBetterOnesComeOverPubsub() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId name = key.publicKey().toPeerId();
        String topic = IpnsPubsub.topic(name);
        IpnsPubsub onA = a.ipnsPubsub().orElseThrow();
        IpnsPubsub onB = b.ipnsPubsub().orElseThrow();
        byte[] first = record(key, 0);
        onA.put(name, first); // nobody on the topic yet: held, not lost
        connect(b, a, topic);
        assertArrayEquals(first, onB.resolve(name, Duration.ofSeconds(5)).orElseThrow(), "fetched from a");
        assertTrue(onB.subscriptions().contains(name));

        Await.until("a sees b on the topic", () -> a.pubsub().orElseThrow().topicPeers(topic).contains(b.peerId()),
                Duration.ofSeconds(20));
        byte[] second = record(key, 1);
        onA.put(name, second);
        Await.until("b takes the better record", () -> {
            try {
                return Arrays.equals(second, onB.resolve(name, Duration.ZERO).orElseThrow());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(20));

        onA.put(name, first); // worse than what a holds: not sent, not taken
        assertArrayEquals(second, onA.resolve(name, Duration.ZERO).orElseThrow());
        // a better record sent after it arrives after it: until then b never holds the worse one
        byte[] third = record(key, 2);
        onA.put(name, third);
        Await.until("b takes the record sent after the worse one", () -> {
            try {
                byte[] held = onB.resolve(name, Duration.ZERO).orElseThrow();
                assertFalse(Arrays.equals(first, held), "b took the worse record");
                return Arrays.equals(third, held);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(20));
    }

    @Test
    void invalidRecordsOverPubsubAreDroppedAndCounted() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId name = key.publicKey().toPeerId();
        String topic = IpnsPubsub.topic(name);
        IpnsPubsub onB = b.ipnsPubsub().orElseThrow();
        assertTrue(onB.resolve(name, Duration.ZERO).isEmpty());
        connect(c, b, topic);
        long before = onB.invalidRecords();
        byte[] otherKeys = record(PrivateKey.generateEd25519(), 7); // valid, but another name's
        // published again until b counts it: c's first publication may precede b's mesh
        Await.until("b counts the invalid record", () -> {
            try {
                c.pubsub().orElseThrow().join(topic).publish(otherKeys);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return onB.invalidRecords() > before;
        }, Duration.ofSeconds(20));
        assertTrue(onB.resolve(name, Duration.ZERO).isEmpty(), "dropped");
    }

    @Test
    void anInvalidFetchedRecordIsDroppedAndCounted() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId name = key.publicKey().toPeerId();
        String topic = IpnsPubsub.topic(name);
        // c answers fetches with a record of the right name but expired... here simply another name's
        byte[] wrong = record(PrivateKey.generateEd25519(), 3);
        AtomicReference<byte[]> asked = new AtomicReference<>();
        RequestResponse.attach(c.host(), FetchProtocol.ID, Codec.bytes(), Codec.bytes(), RequestResponseConfig.defaults())
                .serve((from, request) -> {
                    asked.set(request);
                    return new FetchProtocol.Response(0, wrong).encode();
                });
        try (Subscription relay = c.pubsub().orElseThrow().join(topic).relay()) {
            connect(b, c, topic);
            IpnsPubsub onB = b.ipnsPubsub().orElseThrow();
            long before = onB.invalidRecords();
            assertEquals(Optional.empty(), onB.resolve(name, Duration.ZERO));
            assertArrayEquals(FetchProtocol.encodeRequest(io.p2pkit.kad.record.IpnsValidator.keyFor(name)), asked.get(),
                    "asked for /ipns/<name bytes>");
            assertEquals(before + 1, onB.invalidRecords());
        } finally {
            c.host().removeStreamHandler(FetchProtocol.ID);
        }
    }

    @Test
    void cancelEndsASubscriptionButNotWhileAResolutionWaits() throws Exception {
        PeerId name = PrivateKey.generateEd25519().publicKey().toPeerId();
        IpnsPubsub onA = a.ipnsPubsub().orElseThrow();
        assertFalse(onA.cancel(name), "never subscribed");
        CountDownLatch waiting = new CountDownLatch(1);
        Thread resolving = Thread.ofVirtual().start(() -> {
            try {
                waiting.countDown();
                onA.resolve(name, Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.await("the resolution starts", waiting);
        Await.until("subscribed", () -> onA.subscriptions().contains(name), Duration.ofSeconds(5));
        IllegalStateException busy = assertThrows(IllegalStateException.class, () -> onA.cancel(name));
        assertEquals("key has active subscriptions", busy.getMessage());
        Await.join(resolving);
        assertTrue(onA.cancel(name));
        assertFalse(onA.subscriptions().contains(name));
        assertFalse(a.pubsub().orElseThrow().topics().contains(IpnsPubsub.topic(name)), "topic left");
        assertFalse(onA.cancel(name), "already cancelled");
    }
}
