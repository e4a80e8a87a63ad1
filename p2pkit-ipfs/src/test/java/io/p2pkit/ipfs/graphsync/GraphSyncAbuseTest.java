package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and greedy peers: responders that send what the selector does not reach, out of order,
 * unnamed, for unknown requests or over the size cap; requesters over the request limits, and
 * cancels. Each one fails one request or one stream, is counted, and stores nothing it should not.
 */
@Timeout(60)
class GraphSyncAbuseTest {
    private static final Duration IDLE = Duration.ofSeconds(10);

    private Host serverHost;
    private Host clientHost;
    private MemoryBlockstore clientStore;
    private GraphSync client;

    private final Block leaf = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "leaf".getBytes(StandardCharsets.UTF_8));
    private final Block root = Codecs.standard().encode(Multicodec.DAG_CBOR, MapNode.of("kid", Node.of(leaf.cid())));
    private final Block stranger = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "not asked for".getBytes(StandardCharsets.UTF_8));

    @BeforeEach
    void hosts() throws IOException {
        serverHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        clientHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));
    }

    @AfterEach
    void close() {
        clientHost.close();
        serverHost.close();
    }

    /** A responder that answers each new request with the messages {@code answer} makes (raw bytes, framed here). */
    private void fakeResponder(Function<Message.RequestId, List<byte[]>> answer) {
        serverHost.setStreamHandler(GraphSync.PROTOCOL, s -> {
            byte[] raw;
            while ((raw = LengthPrefixed.read(s.in(), MessageCodec.MAX_MESSAGE_BYTES)) != null) {
                for (Message.Request r : MessageCodec.decode(raw, Block.MAX_SIZE).requests()) {
                    if (r.type() != Message.RequestType.NEW) {
                        continue;
                    }
                    Stream out = serverHost.newStream(clientHost.peerId(), GraphSync.PROTOCOL);
                    for (byte[] m : answer.apply(r.id())) {
                        out.out().write(m);
                    }
                    out.out().flush();
                    out.closeWrite();
                }
            }
        });
    }

    private static byte[] framed(Message m) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try {
            LengthPrefixed.write(b, MessageCodec.encode(m));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static byte[] response(Message.RequestId id, ResponseStatus status, List<Message.Metadatum> meta, List<Block> blocks) {
        return framed(new Message(List.of(), List.of(new Message.Response(id, status, meta, Map.of())), blocks));
    }

    private static Message.Metadatum present(Block b) {
        return new Message.Metadatum(b.cid(), Message.LinkAction.PRESENT);
    }

    @Test
    void linksTheSelectorDoesNotReachFailTheRequestAndAreNotStored() throws Exception {
        fakeResponder(id -> List.of(response(id, ResponseStatus.REQUEST_COMPLETED_FULL,
                List.of(present(root), present(stranger)), List.of(root, stranger))));

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.depthLimited(1), IDLE));

        assertTrue(e.getMessage().contains("does not reach"), e.getMessage());
        assertFalse(clientStore.has(stranger.cid().multihash()));
        assertTrue(client.stats().outsideSelection() >= 1);
    }

    @Test
    void aLinkOutOfTraversalOrderFailsTheRequest() throws Exception {
        fakeResponder(id -> List.of(response(id, ResponseStatus.REQUEST_COMPLETED_FULL,
                List.of(present(stranger)), List.of(stranger))));

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), IDLE));

        assertTrue(e.getMessage().contains("where the selector reaches " + root.cid()), e.getMessage());
        assertEquals(0, clientStore.count());
    }

    @Test
    void blocksNoResponseNamesFailTheRequest() throws Exception {
        fakeResponder(id -> List.of(response(id, ResponseStatus.REQUEST_COMPLETED_FULL,
                List.of(present(root), present(leaf)), List.of(root, leaf, stranger))));

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), IDLE));

        assertTrue(e.getMessage().contains("do not name"), e.getMessage());
        assertEquals(0, clientStore.count());
    }

    @Test
    void aClaimOfCompletionWithLinksLeftFailsTheRequest() throws Exception {
        fakeResponder(id -> List.of(response(id, ResponseStatus.REQUEST_COMPLETED_FULL, List.of(present(root)), List.of(root))));

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), IDLE));

        assertTrue(e.getMessage().contains("sent everything"), e.getMessage());
        assertFalse(clientStore.has(leaf.cid().multihash()));
    }

    @Test
    void responsesToUnknownRequestsAreCountedAndDropped() throws Exception {
        fakeResponder(id -> List.of(
                response(Message.RequestId.random(), ResponseStatus.REQUEST_COMPLETED_FULL, List.of(present(stranger)), List.of(stranger)),
                response(id, ResponseStatus.REQUEST_COMPLETED_FULL, List.of(present(root), present(leaf)), List.of(root, leaf))));

        GraphSync.Result r = client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), IDLE);

        assertEquals(2, r.blocks());
        assertEquals(1, client.stats().unknownResponses());
        assertFalse(clientStore.has(stranger.cid().multihash()));
    }

    @Test
    void aMessageOverTheCapResetsTheStreamAndFailsTheRequest() throws Exception {
        fakeResponder(id -> {
            byte[] huge = new byte[5];
            int n = io.p2pkit.core.multiformats.Varint.write(MessageCodec.MAX_MESSAGE_BYTES + 1L, huge, 0);
            return List.of(java.util.Arrays.copyOf(huge, n), new byte[64]);
        });

        assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), IDLE));

        assertEquals(1, client.stats().oversizedMessages());
        assertEquals(0, clientStore.count());
    }

    @Test
    void aMalformedMessageResetsTheStreamAndFailsTheRequest() throws Exception {
        fakeResponder(id -> {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try {
                LengthPrefixed.write(b, new byte[] {(byte) 0xa1, 0x63, 'g', 's', '2', 0x05});
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return List.of(b.toByteArray());
        });

        assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), IDLE));

        assertEquals(1, client.stats().malformedMessages());
    }

    /** A store whose reads wait at a gate, so that a request stays in progress while the test looks. */
    private static final class GatedStore implements Blockstore {
        final MemoryBlockstore inner = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public Optional<Block> get(Cid cid) throws IOException {
            entered.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("the gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            return inner.get(cid);
        }

        @Override
        public void put(Block block) throws IOException {
            inner.put(block);
        }

        @Override
        public boolean has(Multihash key) throws IOException {
            return inner.has(key);
        }

        @Override
        public boolean delete(Multihash key) throws IOException {
            return inner.delete(key);
        }

        @Override
        public OptionalInt sizeOf(Multihash key) throws IOException {
            return inner.sizeOf(key);
        }

        @Override
        public java.util.stream.Stream<Multihash> keys() throws IOException {
            return inner.keys();
        }

        @Override
        public long count() {
            return inner.count();
        }

        @Override
        public long totalSize() {
            return inner.totalSize();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void requestsOverTheLimitsAreAnsweredBusy() throws Exception {
        GatedStore store = new GatedStore();
        store.putMany(List.of(root, leaf));
        GraphSync server = GraphSync.attach(serverHost, store, GraphSyncConfig.defaults().withRequestLimits(1, 1, 0));
        CompletableFuture<GraphSync.Result> first = CompletableFuture.supplyAsync(() -> {
            try {
                return client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), Duration.ofSeconds(30));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.await("the first request is being served", store.entered);

        GraphSyncException busy = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), IDLE));
        assertTrue(busy.getMessage().contains("31"), busy.getMessage());

        store.gate.countDown();
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, first.get(30, TimeUnit.SECONDS).status());
        assertEquals(1, server.stats().requestsBusy());
        assertEquals(1, server.stats().requestsServed());
    }

    @Test
    void aCancelStopsTheResponder() throws Exception {
        GatedStore store = new GatedStore();
        store.putMany(List.of(root, leaf));
        GraphSync server = GraphSync.attach(serverHost, store, GraphSyncConfig.defaults());

        // the responder is stuck at the gate; the requester gives up and cancels
        assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), root.cid(), Selector.exploreAll(), Duration.ofMillis(500)));
        // the gate opens only once the cancel is there: else the responder may finish first
        Await.until("the cancel reached the responder", server::cancelPending);
        store.gate.countDown();

        Await.until("the responder saw the cancel", () -> server.stats().requestsCancelled() == 1);
        assertEquals(0, server.stats().requestsServed());
    }
}
