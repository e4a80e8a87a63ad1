package io.p2pkit.kad;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.wire.KadMessage;
import io.p2pkit.kad.wire.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Closing the DHT is prompt even when a peer stopped answering: the pooled streams' ends and the
 * requests in flight share one grace period, then are reset, instead of each waiting for the
 * negotiation deadline in turn.
 */
class KadCloseTest {
    /** Far beyond the test's own bounds: a close that waited for it would fail the test. */
    private static final Duration NEGOTIATION = Duration.ofMinutes(5);

    private MemoryNetwork memory;
    private SilentPeer silent;
    private Host host;
    private KadDht dht;

    @BeforeEach
    void start() throws IOException {
        memory = new MemoryNetwork();
        silent = new SilentPeer(memory);
        host = Host.builder().transport(key -> memory.transport()).security("plaintext").muxers("yamux")
                .streamNegotiationTimeout(NEGOTIATION).listen("/memory/0").build();
        dht = KadDht.attach(host, KadConfig.builder().periodicTasks(false)
                .requestTimeout(NEGOTIATION).closeGrace(Duration.ofMillis(200)).build());
        host.connect(silent.info());
    }

    @AfterEach
    void stop() {
        host.close();
        silent.close();
    }

    private KadMessage addProvider() {
        byte[] mh = Multihash.digest(Multicodec.SHA2_256, new byte[] {1}).bytes();
        return KadMessage.request(MessageType.ADD_PROVIDER, mh);
    }

    @Test
    void closeDoesNotWaitForUnansweredNegotiationsOrRequests() throws Exception {
        KadClient client = dht.clientForTests();
        // A request waiting for a reply that never comes.
        CompletableFuture<KadMessage> pending = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                pending.complete(client.request(silent.info().peerId(),
                        KadMessage.request(MessageType.FIND_NODE, host.peerId().bytes())));
            } catch (Throwable t) {
                pending.completeExceptionally(t);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.busyStreams() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, client.busyStreams());
        // An ADD_PROVIDER needs no reply: its stream goes back to the pool with the negotiation unanswered.
        client.send(silent.info().peerId(), addProvider());
        assertEquals(1, client.idleStreams());

        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            try {
                dht.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        // Before this change the pooled stream alone held close for the whole negotiation deadline.
        closed.get(60, TimeUnit.SECONDS);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> pending.get(60, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failed.getCause());
        assertEquals(0, client.idleStreams());
        assertEquals(0, client.busyStreams());
        assertThrows(IOException.class, () -> client.send(silent.info().peerId(), addProvider()));
    }

    @Test
    void closeReturnsOnlyOnceTheServerHasReadTheLastAddProvider() throws Exception {
        io.p2pkit.kad.sim.DhtSwarm swarm = new io.p2pkit.kad.sim.DhtSwarm(memory, 3, b -> b);
        try {
            io.p2pkit.kad.sim.DhtSwarm.Node server = swarm.start(java.util.List.of());
            Host provider = Host.builder().transport(key -> memory.transport()).security("plaintext").muxers("yamux")
                    .listen("/memory/0").build();
            KadDht providing = KadDht.attach(provider, KadConfig.builder().periodicTasks(false).mode(Mode.CLIENT)
                    .bootstrap(java.util.List.of(server.info())).closeGrace(Duration.ofSeconds(30)).build());
            assertEquals(1, providing.connectBootstrapPeers());
            byte[] mh = Multihash.digest(Multicodec.SHA2_256, new byte[] {2}).bytes();
            assertEquals(1, providing.provide(mh).peers());
            // No reply says the server stored it; closing waits for the server's end of the stream,
            // which it sends after reading (and storing) everything before our end. (Without that
            // wait this passes too on an idle machine: the loss needs a loaded one, as in CI.)
            providing.close();
            provider.close();
            assertEquals(java.util.List.of(provider.peerId()), server.dht().providerStore().providers(mh));
        } finally {
            swarm.close();
        }
    }
}
