package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.Direction;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.bitswap.wire.BitswapMessage;
import io.p2pkit.ipfs.bitswap.wire.MessageCodec;
import io.p2pkit.ipfs.bitswap.wire.ProtocolVersion;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.testing.Await;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Two p2pkit hosts on loopback exchanging blocks over Bitswap. */
@Timeout(60)
class BitswapExchangeTest {
    private static final BitswapConfig FAST = BitswapConfig.defaults()
            .withTimings(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1));

    private static final String V120 = ProtocolVersion.V1_2_0.id();

    private ResourceManager serverResources;
    private Host serverHost;
    private Host clientHost;
    private MemoryBlockstore serverStore;
    private MemoryBlockstore clientStore;

    @BeforeEach
    void hosts() throws IOException {
        serverResources = new ResourceManager(ResourceManagerConfig.defaults());
        serverHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").resourceManager(serverResources).build();
        clientHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        serverStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
        clientStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
    }

    @AfterEach
    void close() {
        clientHost.close();
        serverHost.close();
    }

    private void connect() throws IOException {
        clientHost.connect(new PeerInfo(serverHost.peerId(), serverHost.addresses()));
    }

    @Test
    void fetchesAFileDagAndItsBytesMatch() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        Cid root = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(serverStore))
                .importStream(new ByteArrayInputStream(data), "").root();
        Bitswap.attach(serverHost, serverStore, FAST, ProviderFinder.NONE);
        Bitswap client = Bitswap.attach(clientHost, clientStore, FAST, ProviderFinder.NONE);
        connect();

        DagFetch.Result r = client.fetchDag(root, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofSeconds(20));

        assertEquals(r.blocks(), r.fetched());
        assertTrue(r.fetchedBytes() > data.length);
        try (InputStream in = new Exporter(clientStore).read(root)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        awaitTrue(() -> client.stats().blocksReceived() == r.fetched()); // counted just after each block is handed on
        assertEquals(0, client.stats().unwantedBlocks());
        assertEquals(0, client.wantlist().size());
        // a second fetch finds everything locally
        DagFetch.Result again = client.fetchDag(root, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofSeconds(5));
        assertEquals(0, again.fetched());
        assertEquals(r.blocks(), again.blocks());
    }

    /**
     * Broadcast control on real hosts: a loopback peer is local, so it hears the want by default;
     * with local peers reduced too it does not (it never answered before), until a provider lookup
     * names it.
     */
    @Test
    void broadcastControlDecidesWhetherALoopbackPeerHearsAWant() throws Exception {
        Block block = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "broadcast".getBytes(StandardCharsets.UTF_8));
        serverStore.put(block);
        Bitswap.attach(serverHost, serverStore, FAST, ProviderFinder.NONE);
        BitswapConfig reduced = FAST.withBroadcast(new BroadcastControl(true, -1, true, false, 0, false));
        Bitswap client = Bitswap.attach(clientHost, clientStore, reduced, ProviderFinder.NONE);
        connect();
        awaitTrue(() -> client.peers().contains(serverHost.peerId()));
        assertEquals(Optional.empty(), client.fetch(block.cid(), Duration.ofMillis(1500)), "nobody heard the want");
        assertTrue(client.broadcastsSkipped() >= 1);
        assertEquals(0, serverHost.service(Bitswap.class).orElseThrow().stats().messagesReceived(),
                "the server was asked nothing");
        clientHost.close();

        clientHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        Bitswap plain = Bitswap.attach(clientHost, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), FAST,
                ProviderFinder.NONE);
        connect();
        awaitTrue(() -> plain.peers().contains(serverHost.peerId()));
        assertArrayEquals(block.data(), plain.fetch(block.cid(), Duration.ofSeconds(10)).orElseThrow(),
                "Kubo's default: a loopback peer is local and hears it");
        assertEquals(0, plain.broadcastsSkipped());

        clientHost.close();
        clientHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        Bitswap found = Bitswap.attach(clientHost, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), reduced,
                (cid, limit, each) -> each.accept(new PeerInfo(serverHost.peerId(), serverHost.addresses())));
        connect();
        awaitTrue(() -> found.peers().contains(serverHost.peerId()));
        assertArrayEquals(block.data(), found.fetch(block.cid(), Duration.ofSeconds(10)).orElseThrow(),
                "a provider the lookup names is asked whatever broadcast control says");
    }

    @Test
    void blocksServedFromDiskGiveTheirArraysBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(11).nextBytes(data);
        try (FlatfsBlockstore disk = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(false))) {
            Cid root = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(disk))
                    .importStream(new ByteArrayInputStream(data), "").root();
            Bitswap server = Bitswap.attach(serverHost, disk, FAST, ProviderFinder.NONE);
            Bitswap client = Bitswap.attach(clientHost, clientStore, FAST, ProviderFinder.NONE);
            connect();
            client.fetchDag(root, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofSeconds(20));
            try (InputStream in = new Exporter(clientStore).read(root)) {
                assertArrayEquals(data, in.readAllBytes(), "the bytes arrive intact from reused arrays");
            }
            awaitTrue(() -> server.arrays.lent() == 0); // given back once written
            assertTrue(server.arrays.idleBytes() > 0, "the leaves' arrays are kept for the next blocks");
        }
    }

    @Test
    void aMissingBlockIsNotFoundWithinTheTimeout() throws Exception {
        Bitswap.attach(serverHost, serverStore, FAST, ProviderFinder.NONE);
        Bitswap client = Bitswap.attach(clientHost, clientStore, FAST, ProviderFinder.NONE);
        connect();
        Cid absent = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "nobody has this".getBytes(StandardCharsets.UTF_8)).cid();
        try (BitswapSession s = client.newSession()) {
            assertEquals(Optional.empty(), s.get(absent, Duration.ofMillis(1500)));
        }
        assertEquals(0, client.wantlist().size());
        IOException e = assertThrows(IOException.class,
                () -> client.fetchDag(absent, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofMillis(800)));
        assertTrue(e.getMessage().contains("no block of the DAG under " + absent), e.getMessage());
    }

    @Test
    void aBlockStoredLaterReachesThePeerThatWaits() throws Exception {
        Bitswap server = Bitswap.attach(serverHost, serverStore, FAST, ProviderFinder.NONE);
        Bitswap client = Bitswap.attach(clientHost, clientStore, FAST, ProviderFinder.NONE);
        connect();
        Block later = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[4000]);
        try (BitswapSession s = client.newSession()) {
            var f = s.want(later.cid());
            awaitTrue(() -> server.ledger(clientHost.peerId()).map(LedgerView::wants).orElse(0) == 1); // the want arrived
            serverStore.put(later);
            server.blocksAdded(java.util.List.of(later.cid().multihash()));
            assertArrayEquals(later.data(), f.get(10, java.util.concurrent.TimeUnit.SECONDS).data());
        }
    }

    @Test
    void aLeecherServesNothing() throws Exception {
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "leeched".getBytes(StandardCharsets.UTF_8));
        serverStore.put(b);
        Bitswap.attach(serverHost, serverStore, FAST.withServe(false), ProviderFinder.NONE);
        Bitswap client = Bitswap.attach(clientHost, clientStore, FAST, ProviderFinder.NONE);
        connect();
        try (BitswapSession s = client.newSession()) {
            assertEquals(Optional.empty(), s.get(b.cid(), Duration.ofMillis(1500)));
        }
    }

    /** Kubo's Bitswap.ServerEnabled false: no block, no HAVE, and DONT_HAVE to each want that asks for it. */
    @Test
    void aNodeThatDoesNotServeAnswersDontHave() throws Exception {
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "kept".getBytes(StandardCharsets.UTF_8));
        serverStore.put(b);
        Bitswap leecher = Bitswap.attach(serverHost, serverStore, FAST.withServe(false), ProviderFinder.NONE);
        BlockingQueue<BitswapMessage> got = rawPeer(false);
        connect();
        Block absent = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "absent".getBytes(StandardCharsets.UTF_8));
        try (Stream s = clientHost.newStream(serverHost.peerId(), V120)) {
            send(s, new WantEntry(b.cid(), 1, false, WantType.BLOCK, true), new WantEntry(absent.cid(), 1, false, WantType.HAVE, true),
                    new WantEntry(Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[1]).cid(), 1, false, WantType.HAVE, false));
        }
        BitswapMessage m = got.poll(10, TimeUnit.SECONDS);
        assertTrue(m != null, "no answer");
        assertEquals(List.of(), m.blocks());
        assertEquals(List.of(new io.p2pkit.ipfs.bitswap.wire.Presence(b.cid(), false),
                new io.p2pkit.ipfs.bitswap.wire.Presence(absent.cid(), false)), m.presences(), "the want without sendDontHave gets nothing");
        assertEquals(0, leecher.stats().blocksSent());
    }

    @Test
    void aCidv1WantIsAnsweredFromACidv0BlockWithTheWantedCid() throws Exception {
        Cid v0 = new Importer(ImportOptions.UNIXFS_V0_2015, BlockSink.of(serverStore))
                .importStream(new ByteArrayInputStream("small".getBytes(StandardCharsets.UTF_8)), "").root();
        Bitswap.attach(serverHost, serverStore, FAST, ProviderFinder.NONE);
        Bitswap client = Bitswap.attach(clientHost, clientStore, FAST, ProviderFinder.NONE);
        connect();
        try (BitswapSession s = client.newSession()) {
            Block got = s.get(v0.toV1(), Duration.ofSeconds(10)).orElseThrow();
            assertEquals(v0.toV1(), got.cid());
        }
    }

    /**
     * Helia (js-libp2p) sends each message on a stream of its own and closes it at once: blocks
     * answering a want are charged elsewhere than that stream's closed scope, and still go out.
     */
    @Test
    void aWantWhoseStreamClosedIsAnsweredWhenTheBlockArrives() throws Exception {
        Bitswap server = Bitswap.attach(serverHost, serverStore, FAST, ProviderFinder.NONE);
        BlockingQueue<BitswapMessage> got = rawPeer(false);
        connect();
        Block later = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[4000]);
        try (Stream s = clientHost.newStream(serverHost.peerId(), V120)) {
            send(s, new WantEntry(later.cid(), 1, false, WantType.BLOCK, false));
        }
        // the want is held and the stream it came on is gone
        awaitTrue(() -> server.ledger(clientHost.peerId()).map(LedgerView::wants).orElse(0) == 1);
        awaitTrue(() -> serverResources.protocolScope(V120).map(p -> p.used(Resource.streams(Direction.INBOUND))).orElse(0L) == 0);

        serverStore.put(later);
        server.blocksAdded(List.of(later.cid().multihash()));

        BitswapMessage m = got.poll(10, TimeUnit.SECONDS);
        assertTrue(m != null, "no answer");
        assertEquals(List.of(later), m.blocks());
        assertEquals(0, server.stats().memoryRefused());
    }

    /**
     * Helia resets the stream an answer came on after 10 s without a message: the next answer
     * goes out on a new stream instead of being dropped with the reset one.
     */
    @Test
    void anAnswerAfterThePeerResetTheSendStreamGoesOutOnANewOne() throws Exception {
        Block a = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "first".getBytes(StandardCharsets.UTF_8));
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "second".getBytes(StandardCharsets.UTF_8));
        serverStore.put(a);
        serverStore.put(b);
        Bitswap server = Bitswap.attach(serverHost, serverStore, FAST, ProviderFinder.NONE);
        BlockingQueue<BitswapMessage> got = rawPeer(true);
        connect();
        try (Stream s = clientHost.newStream(serverHost.peerId(), V120)) {
            send(s, WantEntry.block(a.cid(), 1));
            BitswapMessage first = got.poll(10, TimeUnit.SECONDS);
            assertTrue(first != null && first.blocks().equals(List.of(a)), "first answer: " + first);
            // the reset went out before this want, on the same connection
            send(s, WantEntry.block(b.cid(), 1));

            BitswapMessage second = got.poll(10, TimeUnit.SECONDS);
            assertTrue(second != null && second.blocks().equals(List.of(b)), "second answer: " + second);
        }
        awaitTrue(() -> server.stats().blocksSent() == 2); // counted just after the write the peer already read
    }

    /** A client speaking Bitswap 1.2.0 by hand: what the server sends it is queued; resetAfterOne resets each stream after its first message. */
    private BlockingQueue<BitswapMessage> rawPeer(boolean resetAfterOne) {
        BlockingQueue<BitswapMessage> got = new LinkedBlockingQueue<>();
        clientHost.setStreamHandler(V120, s -> {
            for (byte[] raw; (raw = LengthPrefixed.read(s.in(), MessageCodec.MAX_MESSAGE_BYTES)) != null; ) {
                BitswapMessage m = MessageCodec.decode(raw, 1 << 21);
                if (resetAfterOne) {
                    s.reset();
                    got.add(m);
                    return;
                }
                got.add(m);
            }
        });
        return got;
    }

    private static void send(Stream s, WantEntry... wants) throws IOException {
        LengthPrefixed.write(s.out(), MessageCodec.encode(new BitswapMessage(List.of(wants), false, List.of(), List.of(), 0),
                ProtocolVersion.V1_2_0));
        s.out().flush();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        Await.until("the condition", condition, Duration.ofSeconds(10));
    }
}
