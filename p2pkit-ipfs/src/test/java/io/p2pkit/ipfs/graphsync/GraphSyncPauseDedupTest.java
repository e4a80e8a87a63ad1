package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The responder's pause (a hook pausing a response with status 15, unpaused by the application or
 * by the requester's update) and {@code graphsync/dedup-by-key}, between two p2pkit hosts.
 */
@Timeout(90)
class GraphSyncPauseDedupTest {
    /** Generous: a loaded machine must not fail these; a paused request waits within it. */
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A 1 MiB file: four 256 KiB leaves and a root. */
    private static final int BLOCKS = 5;

    private Host serverHost;
    private Host clientHost;
    private MemoryBlockstore serverStore;
    private MemoryBlockstore clientStore;
    private GraphSync server;
    private GraphSync client;
    private byte[] data;
    private Cid root;

    @BeforeEach
    void hosts() throws IOException {
        serverHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        clientHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));
        data = new byte[1 << 20];
        new Random(53).nextBytes(data);
        root = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(serverStore))
                .importStream(new ByteArrayInputStream(data), "").root();
        assertEquals(BLOCKS, serverStore.count());
        server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());
    }

    @AfterEach
    void close() {
        clientHost.close();
        serverHost.close();
    }

    /** Pauses every response before its third block, once. */
    private static final class PauseAfterTwo implements ResponderHook {
        private final String unpauseExtension;

        PauseAfterTwo(String unpauseExtension) {
            this.unpauseExtension = unpauseExtension;
        }

        @Override
        public boolean pauseBefore(Served request, Cid block, long blocks, long bytes) {
            return blocks == 2;
        }

        @Override
        public boolean unpauseOnUpdate(Served request, Map<String, Node> extensions) {
            return unpauseExtension != null && extensions.containsKey(unpauseExtension);
        }
    }

    private CompletableFuture<GraphSync.Result> requestInBackground(RequestControl control, String dedupKey) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.request(serverHost.peerId(), root, Selector.exploreAll(), IDLE, Set.of(), control, dedupKey);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** The server counts a batch once it is written, which may be after the requester has it. */
    private void awaitSent(long blocks) {
        Await.until(blocks + " blocks sent", () -> server.stats().blocksSent() == blocks, WAIT);
        assertEquals(blocks, server.stats().blocksSent());
    }

    private void assertFileHere() throws IOException {
        try (InputStream in = new Exporter(clientStore).read(root)) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void aPausedResponseWaitsAndTheApplicationUnpausesIt() throws Exception {
        server.responderHook(new PauseAfterTwo(null));
        CompletableFuture<GraphSync.Result> fetch = requestInBackground(new RequestControl(), null);

        Await.until("the response paused", () -> server.pausedResponses().size() == 1, WAIT);
        Await.until("the two blocks before the pause arrived", () -> clientStore.count() == 2, WAIT);
        assertFalse(fetch.isDone(), "the requester waits through the pause");
        assertEquals(2, server.stats().blocksSent());
        ResponderHook.Served paused = server.pausedResponses().getFirst();
        assertEquals(clientHost.peerId(), paused.peer());
        assertEquals(root, paused.root());

        assertTrue(server.unpause(paused.peer(), paused.id()));
        GraphSync.Result r = fetch.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(BLOCKS, r.blocks());
        awaitSent(BLOCKS); // nothing sent twice across the pause
        assertFileHere();
        assertFalse(server.unpause(paused.peer(), paused.id()), "no longer paused");
    }

    @Test
    void theRequestersUpdateUnpausesWhenTheHookAcceptsIt() throws Exception {
        server.responderHook(new PauseAfterTwo("example/go-on"));
        RequestControl control = new RequestControl();
        CompletableFuture<GraphSync.Result> fetch = requestInBackground(control, null);
        Await.until("the response paused", () -> server.pausedResponses().size() == 1, WAIT);

        control.update(Map.of("example/other", Node.of(true)));
        // an update the hook does not accept leaves it paused; the one it accepts unpauses it
        control.update(Map.of("example/go-on", Node.of(true)));
        GraphSync.Result r = fetch.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        awaitSent(BLOCKS);
        assertFileHere();
        assertThrows(IllegalStateException.class, () -> control.update(Map.of()), "the request is over");
    }

    @Test
    void aRequesterGivingUpCancelsThePausedResponse() throws Exception {
        server.responderHook(new PauseAfterTwo(null));
        CompletableFuture<GraphSync.Result> fetch = CompletableFuture.supplyAsync(() -> {
            try {
                return client.request(serverHost.peerId(), root, Selector.exploreAll(), Duration.ofSeconds(2), Set.of());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> fetch.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(GraphSyncException.class, e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause());
        Await.until("the cancel ended the paused response", () -> server.pausedResponses().isEmpty()
                && server.stats().requestsCancelled() == 1, WAIT);
    }

    /**
     * Request A (key "k") pauses before its last block, holding the four it sent; B with the same
     * key is then sent only that last block (the rest named present, taken from the store A
     * filled), and A, unpaused after B ended, sends its last block: 5 + 1 blocks for two requests.
     */
    @Test
    void requestsWithTheSameDedupKeyShareTheBlocksSent() throws Exception {
        Await.until("the client's store is empty", () -> clientStore.count() == 0, WAIT);
        server.responderHook(new ResponderHook() {
            @Override
            public boolean pauseBefore(Served request, Cid block, long blocks, long bytes) {
                return request.extensions().containsKey("example/first") && blocks == BLOCKS - 1;
            }
        });
        RequestControl first = new RequestControl();
        CompletableFuture<GraphSync.Result> a = CompletableFuture.supplyAsync(() -> {
            try {
                return requestWith(first, "k", Map.of("example/first", Node.of(true)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until("A paused before its last block", () -> server.pausedResponses().size() == 1, WAIT);
        assertEquals(BLOCKS - 1, server.stats().blocksSent());

        GraphSync.Result b = client.request(serverHost.peerId(), root, Selector.exploreAll(), IDLE, Set.of(),
                new RequestControl(), "k");
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, b.status());
        awaitSent(BLOCKS); // B was sent only the block A had not sent
        assertEquals(BLOCKS - 1, server.stats().blocksNotSent());
        // B leaves the key's set after its last message is written: until then its last block counts for A
        Await.until("B left the key's set", () -> server.dedupRequestsInProgress() == 1, WAIT);

        ResponderHook.Served paused = server.pausedResponses().getFirst();
        assertTrue(server.unpause(paused.peer(), paused.id()));
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, a.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
        awaitSent(BLOCKS + 1); // A sent its last block once B had ended
        assertFileHere();
        // A leaves the key's set after its last message is written, which may be after A's requester has it
        Await.until("the key's set went with its last request", () -> server.dedupBucketsOpen() == 0, WAIT);
    }

    @Test
    void requestsWithOtherKeysOrNoneDoNotShare() throws Exception {
        server.responderHook(new ResponderHook() {
            @Override
            public boolean pauseBefore(Served request, Cid block, long blocks, long bytes) {
                return request.extensions().containsKey("example/first") && blocks == BLOCKS - 1;
            }
        });
        CompletableFuture<GraphSync.Result> a = CompletableFuture.supplyAsync(() -> {
            try {
                return requestWith(new RequestControl(), "k", Map.of("example/first", Node.of(true)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until("A paused before its last block", () -> server.pausedResponses().size() == 1, WAIT);
        client.request(serverHost.peerId(), root, Selector.exploreAll(), IDLE, Set.of(), new RequestControl(), "other");
        client.request(serverHost.peerId(), root, Selector.exploreAll(), IDLE, Set.of(), new RequestControl(), null);
        awaitSent(BLOCKS - 1 + 2 * BLOCKS); // another key and no key: everything sent
        ResponderHook.Served paused = server.pausedResponses().getFirst();
        server.unpause(paused.peer(), paused.id());
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, a.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
    }

    @Test
    void aMalformedDedupKeyIsAnswered32() {
        GraphSyncException e = assertThrows(GraphSyncException.class, () -> client.requestWithExtensions(serverHost.peerId(),
                root, Selector.exploreAll(), IDLE, new RequestControl(), null, Map.of(Extensions.DEDUP_BY_KEY, Node.of(7))));
        assertTrue(e.getMessage().contains("32"), e.getMessage());
        assertEquals(1, server.stats().requestsRejected());
        assertThrows(IllegalArgumentException.class, () -> client.request(serverHost.peerId(), root, Selector.exploreAll(),
                IDLE, Set.of(), new RequestControl(), "x".repeat(Extensions.MAX_DEDUP_KEY + 1)));
    }

    /** A request with extensions of its own (beside the dedup key), through the package's request path. */
    private GraphSync.Result requestWith(RequestControl control, String key, Map<String, Node> extra) throws IOException {
        try {
            return client.requestWithExtensions(serverHost.peerId(), root, Selector.exploreAll(), IDLE, control, key, extra);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
