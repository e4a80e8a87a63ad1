package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The do-not-send extensions (sent by the requester for what it has, honoured by the responder)
 * and the memory the responder's batches and the requester's buffered blocks are charged.
 */
@Timeout(60)
class GraphSyncExtensionsTest {
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final ResourceLimits SMALL = ResourceLimits.unlimited().with(Resource.MEMORY, 64 << 10);

    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void close() {
        hosts.forEach(Host::close);
    }

    private Host host(ResourceManager resources) throws IOException {
        var b = Host.builder().listen("/ip4/127.0.0.1/tcp/0");
        if (resources != null) {
            b.resourceManager(resources);
        }
        Host h = b.build();
        hosts.add(h);
        return h;
    }

    /** A resource manager that gives GraphSync's streams 64 KiB. */
    private static ResourceManager smallGraphSync() {
        return new ResourceManager(ResourceManagerConfig.defaults().toBuilder().protocol(GraphSync.PROTOCOL, SMALL).build());
    }

    /** A dag-cbor root listing raw leaves of the given sizes. */
    private record Dag(Block root, List<Block> leaves) {
        List<Block> all() {
            List<Block> l = new ArrayList<>(leaves);
            l.add(0, root);
            return l;
        }
    }

    private static Dag dag(long seed, int... sizes) {
        Random random = new Random(seed);
        List<Block> leaves = new ArrayList<>();
        List<Node> links = new ArrayList<>();
        for (int size : sizes) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
            leaves.add(b);
            links.add(Node.of(b.cid()));
        }
        Block root = Codecs.standard().encode(Multicodec.DAG_CBOR, MapNode.of("kids", new ListNode(links)));
        return new Dag(root, leaves);
    }

    @Test
    void aRequesterThatHasPartOfTheDagIsNotSentThoseBlocks() throws Exception {
        Host serverHost = host(null);
        Host clientHost = host(null);
        Dag dag = dag(1, 1000, 2000, 3000, 4000);
        MemoryBlockstore serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        serverStore.putMany(dag.all());
        MemoryBlockstore clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        clientStore.putMany(List.of(dag.root(), dag.leaves().get(1)));
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));

        GraphSync.Result r = client.request(serverHost.peerId(), dag.root().cid(), Selector.exploreAll(), IDLE);

        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(3, r.blocks(), "only the three leaves it did not have came");
        assertEquals(2, server.stats().blocksNotSent());
        assertEquals(3, server.stats().blocksSent());
        for (Block b : dag.all()) {
            assertTrue(clientStore.has(b.cid().multihash()));
        }
    }

    @Test
    void anExplicitDoNotSendSetIsHonoured() throws Exception {
        Host serverHost = host(null);
        Host clientHost = host(null);
        Dag dag = dag(2, 500, 600);
        MemoryBlockstore serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        serverStore.putMany(dag.all());
        MemoryBlockstore clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        clientStore.put(dag.leaves().get(0));
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));

        GraphSync.Result r = client.request(serverHost.peerId(), dag.root().cid(), Selector.exploreAll(), IDLE,
                Set.of(dag.leaves().get(0).cid()));

        assertEquals(2, r.blocks());
        assertEquals(1, server.stats().blocksNotSent());
    }

    @Test
    void theResponderHoldsBackTheFirstBlocksWhenAsked() throws Exception {
        Host serverHost = host(null);
        Host clientHost = host(null);
        Dag dag = dag(3, 100, 200, 300);
        MemoryBlockstore serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        serverStore.putMany(dag.all());
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        LinkedBlockingQueue<Message> answers = new LinkedBlockingQueue<>();
        clientHost.setStreamHandler(GraphSync.PROTOCOL, s -> {
            byte[] raw;
            while ((raw = LengthPrefixed.read(s.in(), MessageCodec.MAX_MESSAGE_BYTES)) != null) {
                answers.add(MessageCodec.decode(raw, Block.MAX_SIZE));
            }
        });
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));
        Message.RequestId id = Message.RequestId.random();
        Stream s = clientHost.newStream(serverHost.peerId(), GraphSync.PROTOCOL);
        LengthPrefixed.write(s.out(), MessageCodec.encode(new Message(List.of(new Message.Request(id, Message.RequestType.NEW, 0,
                dag.root().cid(), Selector.exploreAll().toNode(), Extensions.encode(Set.of(), 2))), List.of(), List.of())));
        s.out().flush();

        List<Message.Metadatum> meta = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        ResponseStatus status = null;
        while (status == null || !status.terminal()) {
            Message m = answers.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no answer");
            blocks.addAll(m.blocks());
            for (Message.Response r : m.responses()) {
                meta.addAll(r.metadata());
                status = r.status();
            }
        }
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, status);
        assertEquals(4, meta.size(), "every link is still reported");
        assertTrue(meta.stream().allMatch(d -> d.action() == Message.LinkAction.PRESENT));
        assertEquals(List.of(dag.leaves().get(1), dag.leaves().get(2)), blocks, "the root and the first leaf are held back");
        assertEquals(2, server.stats().blocksNotSent());
    }

    @Test
    void aMalformedExtensionFailsOnlyThatRequest() throws Exception {
        Host serverHost = host(null);
        Host clientHost = host(null);
        Dag dag = dag(4, 100);
        MemoryBlockstore serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        serverStore.putMany(dag.all());
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        LinkedBlockingQueue<Message> answers = new LinkedBlockingQueue<>();
        clientHost.setStreamHandler(GraphSync.PROTOCOL, s -> {
            byte[] raw;
            while ((raw = LengthPrefixed.read(s.in(), MessageCodec.MAX_MESSAGE_BYTES)) != null) {
                answers.add(MessageCodec.decode(raw, Block.MAX_SIZE));
            }
        });
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));
        Stream s = clientHost.newStream(serverHost.peerId(), GraphSync.PROTOCOL);
        LengthPrefixed.write(s.out(), MessageCodec.encode(new Message(List.of(new Message.Request(Message.RequestId.random(),
                Message.RequestType.NEW, 0, dag.root().cid(), Selector.exploreAll().toNode(),
                Map.of(Extensions.DO_NOT_SEND_CIDS, Node.of("not a list")))), List.of(), List.of())));
        s.out().flush();

        Message m = answers.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "no answer");
        assertEquals(ResponseStatus.REQUEST_FAILED_UNKNOWN, m.responses().getFirst().status());
        assertEquals(1, server.stats().requestsRejected());
    }

    @Test
    void aResponseOverTheRespondersMemoryLimitIsAnsweredBusyAndTheNodeGoesOn() throws Exception {
        Host serverHost = host(smallGraphSync());
        Host clientHost = host(null);
        Dag big = dag(5, 100 << 10);
        Dag small = dag(6, 1000, 2000);
        MemoryBlockstore serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        serverStore.putMany(big.all());
        serverStore.putMany(small.all());
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        GraphSync client = GraphSync.attach(clientHost, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), GraphSyncConfig.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), big.root().cid(), Selector.exploreAll(), IDLE));

        assertTrue(e.getMessage().contains("31"), e.getMessage());
        assertEquals(1, server.stats().memoryRefused());
        GraphSync.Result r = client.request(serverHost.peerId(), small.root().cid(), Selector.exploreAll(), IDLE);
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(3, r.blocks());
    }

    @Test
    void blocksOverTheRequestersMemoryLimitFailTheRequestAndTheNodeGoesOn() throws Exception {
        Host serverHost = host(null);
        Host clientHost = host(smallGraphSync());
        Dag big = dag(7, 100 << 10);
        Dag small = dag(8, 1000, 2000);
        MemoryBlockstore serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        serverStore.putMany(big.all());
        serverStore.putMany(small.all());
        GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        MemoryBlockstore clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        GraphSync client = GraphSync.attach(clientHost, clientStore, GraphSyncConfig.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));

        GraphSyncException e = assertThrows(GraphSyncException.class,
                () -> client.request(serverHost.peerId(), big.root().cid(), Selector.exploreAll(), IDLE));

        assertTrue(e.getMessage().contains("refused memory"), e.getMessage());
        assertEquals(1, client.stats().memoryRefused());
        assertTrue(!clientStore.has(big.leaves().getFirst().cid().multihash()));
        GraphSync.Result r = client.request(serverHost.peerId(), small.root().cid(), Selector.exploreAll(), IDLE);
        assertEquals(3, r.blocks());
    }

    /** A store that pauses a request once it has stored {@code after} blocks. */
    private record PausingStore(MemoryBlockstore inner, RequestControl control, int after) implements Blockstore {
        @Override
        public Optional<Block> get(io.p2pkit.core.multiformats.Cid cid) throws IOException {
            return inner.get(cid);
        }

        @Override
        public void put(Block block) throws IOException {
            inner.put(block);
            if (inner.count() == after) {
                control.pause();
            }
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

    /**
     * Starts a request for {@code dag} from {@code serverHost} that pauses once two blocks are
     * stored, and waits for the pause.
     */
    private static CompletableFuture<GraphSync.Result> pausedRequest(Host clientHost, Host serverHost, Dag dag,
                                                                     MemoryBlockstore clientStore, RequestControl control) throws IOException {
        GraphSync client = GraphSync.attach(clientHost, new PausingStore(clientStore, control, 2), GraphSyncConfig.defaults());
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));
        CompletableFuture<GraphSync.Result> result = CompletableFuture.supplyAsync(() -> {
            try {
                return client.request(serverHost.peerId(), dag.root().cid(), Selector.exploreAll(), IDLE, Set.of(), control);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the request stopped at the pause", control::isHeld);
        return result;
    }

    @Test
    void aPausedRequestResumesPastTheLinksItTook() throws Exception {
        Host serverHost = host(null);
        Host clientHost = host(null);
        Dag dag = dag(9, 1000, 1000, 1000, 1000);
        MemoryBlockstore serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        serverStore.putMany(dag.all());
        GraphSync server = GraphSync.attach(serverHost, serverStore, GraphSyncConfig.defaults());
        RequestControl control = new RequestControl();
        MemoryBlockstore clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        CompletableFuture<GraphSync.Result> result = pausedRequest(clientHost, serverHost, dag, clientStore, control);
        assertEquals(2, clientStore.count());
        control.resume();

        GraphSync.Result r = result.get(30, TimeUnit.SECONDS);
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(5, r.blocks());
        assertEquals(1, control.pauses());
        assertEquals(2, server.stats().blocksNotSent(), "the resumed request held back the root and the first leaf");
        for (Block b : dag.all()) {
            assertTrue(clientStore.has(b.cid().multihash()));
        }
    }

    /**
     * go-graphsync's link tracker, when it takes the resumed request before the cancel of the
     * paused one: it names every block it sent on the paused request "present, not sent". A
     * scripted responder answers so: the first request with every block in one message, the
     * second with {@code d} for each link and no block. The three blocks the first request had
     * received but its traversal had not taken when it paused must serve the second.
     */
    @Test
    void aResumedRequestTakesTheBlocksThePausedOneHadReceived() throws Exception {
        Host serverHost = host(null);
        Host clientHost = host(null);
        Dag dag = dag(11, 1000, 1000, 1000, 1000);
        LinkedBlockingQueue<Message.Request> seen = new LinkedBlockingQueue<>();
        serverHost.setStreamHandler(GraphSync.PROTOCOL, s -> {
            byte[] raw;
            while ((raw = LengthPrefixed.read(s.in(), MessageCodec.MAX_MESSAGE_BYTES)) != null) {
                for (Message.Request r : MessageCodec.decode(raw, 1 << 20).requests()) {
                    seen.add(r);
                    if (r.type() != Message.RequestType.NEW) {
                        continue; // the cancel comes after the responder has answered the new request
                    }
                    boolean first = seen.stream().filter(q -> q.type() == Message.RequestType.NEW).count() == 1;
                    List<Message.Metadatum> links = dag.all().stream().map(b -> new Message.Metadatum(b.cid(),
                            first ? Message.LinkAction.PRESENT : Message.LinkAction.DUPLICATE_NOT_SENT)).toList();
                    Message answer = new Message(List.of(), List.of(new Message.Response(r.id(),
                            first ? ResponseStatus.PARTIAL_RESPONSE : ResponseStatus.REQUEST_COMPLETED_FULL, links, Map.of())),
                            first ? dag.all() : List.of());
                    try (Stream out = serverHost.newStream(clientHost.peerId(), GraphSync.PROTOCOL)) {
                        LengthPrefixed.write(out.out(), MessageCodec.encode(answer));
                        out.out().flush();
                    }
                }
            }
        });
        RequestControl control = new RequestControl();
        MemoryBlockstore clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        CompletableFuture<GraphSync.Result> result = pausedRequest(clientHost, serverHost, dag, clientStore, control);
        control.resume();

        GraphSync.Result r = result.get(30, TimeUnit.SECONDS);
        assertEquals(ResponseStatus.REQUEST_COMPLETED_FULL, r.status());
        assertEquals(5, r.blocks(), "each block stored once");
        for (Block b : dag.all()) {
            assertTrue(clientStore.has(b.cid().multihash()));
        }
        assertEquals(2, seen.stream().filter(q -> q.type() == Message.RequestType.NEW).count());
    }
}
