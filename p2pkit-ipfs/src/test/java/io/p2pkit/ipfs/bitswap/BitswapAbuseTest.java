package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.ipfs.bitswap.wire.BitswapMessage;
import io.p2pkit.ipfs.bitswap.wire.MessageCodec;
import io.p2pkit.ipfs.bitswap.wire.ProtocolVersion;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.MemoryBlockstore;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile peer against a serving node: each abuse is refused or limited and counted, and the
 * node goes on serving a well-behaved peer.
 */
@Timeout(60)
class BitswapAbuseTest {
    private static final long QUEUE_LIMIT = 4L << 20;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final BitswapConfig CONFIG = new BitswapConfig(true, 1024, QUEUE_LIMIT, 32, 4, Block.MAX_SIZE, 1024,
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2), 64);

    private Host victimHost;
    private Host hostile;
    private Host good;
    private Bitswap victim;
    private MemoryBlockstore store;
    private Block served;

    @BeforeEach
    void start() throws IOException {
        victimHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        hostile = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        good = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        store = new MemoryBlockstore(new MemoryBlockstore.Limits(1L << 30, 100_000, true));
        served = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "still served".getBytes());
        store.put(served);
        victim = Bitswap.attach(victimHost, store, CONFIG, ProviderFinder.NONE);
    }

    @AfterEach
    void stop() {
        good.close();
        hostile.close();
        victimHost.close();
    }

    private PeerInfo victimInfo() {
        return new PeerInfo(victimHost.peerId(), victimHost.addresses());
    }

    private Stream open() throws IOException {
        return hostile.newStream(victimInfo(), ProtocolVersion.V1_2_0.id());
    }

    private static void send(Stream s, BitswapMessage m) throws IOException {
        LengthPrefixed.write(s.out(), MessageCodec.encode(m, ProtocolVersion.V1_2_0));
        s.out().flush();
    }

    private void assertStillServes() throws Exception {
        Bitswap client = Bitswap.attach(good, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), CONFIG, ProviderFinder.NONE);
        good.connect(victimInfo());
        try (BitswapSession s = client.newSession()) {
            assertEquals(served, s.get(served.cid(), Duration.ofSeconds(10)).orElseThrow());
        }
    }

    @Test
    void unsolicitedBlocksAreCountedAndNotStored() throws Exception {
        try (Stream s = open()) {
            List<Block> junk = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                junk.add(Block.create(Multicodec.RAW, Multicodec.SHA2_256, ("junk " + i).getBytes()));
            }
            send(s, new BitswapMessage(List.of(), false, junk, List.of(), 0));
        }
        Await.until("50 unwanted blocks", () -> victim.stats().unwantedBlocks() == 50, WAIT);
        assertEquals(1, store.count(), "none was stored");
        assertStillServes();
    }

    @Test
    void tenThousandWantsAreCutAtThePerPeerLimit() throws Exception {
        List<WantEntry> wants = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            wants.add(WantEntry.block(Block.create(Multicodec.RAW, Multicodec.SHA2_256, Integer.toString(i).getBytes()).cid(), 1));
        }
        try (Stream s = open()) {
            send(s, new BitswapMessage(wants, false, List.of(), List.of(), 0));
        }
        Await.until("8,976 refused wants", () -> victim.stats().refusedWants() == 10_000 - 1024, WAIT);
        Await.until("1,024 wants held", () -> victim.ledger(hostile.peerId()).map(l -> l.wants() == 1024).orElse(false), WAIT);
        assertStillServes();
    }

    @Test
    void aMessageOverTheCapResetsItsStreamOnly() throws Exception {
        Stream s = open();
        byte[] prefix = Varint.encode(MessageCodec.MAX_MESSAGE_BYTES + 1);
        // One write: the prefix alone is enough for the victim to reset, and a second write could
        // meet that reset (the outcome under test) before it is sent.
        byte[] oversized = new byte[prefix.length + 1024];
        System.arraycopy(prefix, 0, oversized, 0, prefix.length);
        try {
            s.out().write(oversized);
            s.out().flush();
        } catch (IOException e) {
            // the victim read the prefix and reset the stream while the rest was going out
        }
        Await.until("the oversized message", () -> victim.stats().oversizedMessages() == 1, WAIT);
        assertTrue(hostile.network().connection(victimHost.peerId()).isPresent(), "the connection stays");
        assertStillServes();
    }

    @Test
    void aMalformedMessageResetsItsStreamOnly() throws Exception {
        Stream s = open();
        LengthPrefixed.write(s.out(), new byte[]{0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0x00});
        s.out().flush();
        Await.until("the malformed message", () -> victim.stats().malformedMessages() == 1, WAIT);
        assertStillServes();
    }

    @Test
    void aWantForABlockOverTheLimitIsAnsweredDontHave() throws Exception {
        byte[] big = new byte[Block.MAX_SIZE + 1];
        new Random(1).nextBytes(big);
        Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, big);
        store.put(b);
        try (Stream s = open()) {
            send(s, new BitswapMessage(List.of(WantEntry.block(b.cid(), 1)), false, List.of(), List.of(), 0));
        }
        Await.until("the big block want", () -> victim.stats().bigBlockWants() == 1, WAIT);
        assertEquals(0, victim.stats().blocksSent());
    }

    @Test
    void aPeerThatNeverReadsCostsAtMostItsQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // the hostile peer accepts the victim's stream and never reads it
        for (String id : ProtocolVersion.ids()) {
            hostile.setStreamHandler(id, st -> release.await(30, TimeUnit.SECONDS));
        }
        List<WantEntry> wants = new ArrayList<>();
        Random random = new Random(2);
        for (int i = 0; i < 64; i++) {
            byte[] d = new byte[1 << 20];
            random.nextBytes(d);
            Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, d);
            store.put(b);
            wants.add(WantEntry.block(b.cid(), 1));
        }
        Stream s = open();
        send(s, new BitswapMessage(wants, false, List.of(), List.of(), 0));
        AtomicLong most = new AtomicLong();
        Await.until("the slow peer's stream reset", () -> {
            most.accumulateAndGet(victim.ledger(hostile.peerId()).map(LedgerView::queuedBytes).orElse(0L), Math::max);
            return victim.stats().slowPeers() >= 1;
        }, WAIT);
        assertTrue(most.get() > 0 && most.get() <= QUEUE_LIMIT + (1L << 20), "queued at most the limit and one block: " + most);
        assertTrue(victim.stats().blocksSent() < 64, "it did not get everything: " + victim.stats().blocksSent());
        release.countDown();
        assertStillServes();
    }

    /** A node that does not serve answers DONT_HAVE; to a peer that never reads, no more than a wantlist's worth waits. */
    @Test
    void aPeerThatNeverReadsItsDontHavesCostsAtMostAWantlistOfThem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (String id : ProtocolVersion.ids()) {
            hostile.setStreamHandler(id, st -> release.await(30, TimeUnit.SECONDS));
        }
        try (Host leecherHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            Bitswap leecher = Bitswap.attach(leecherHost, store, CONFIG.withServe(false), ProviderFinder.NONE);
            Stream s = hostile.newStream(new PeerInfo(leecherHost.peerId(), leecherHost.addresses()), ProtocolVersion.V1_2_0.id());
            for (int m = 0; m < 100 && leecher.stats().refusedWants() == 0; m++) {
                List<WantEntry> wants = new ArrayList<>();
                for (int i = 0; i < 1024; i++) {
                    byte[] d = (m + "/" + i).getBytes();
                    wants.add(new WantEntry(Block.create(Multicodec.RAW, Multicodec.SHA2_256, d).cid(), 1, false, WantType.HAVE, true));
                }
                send(s, new BitswapMessage(wants, false, List.of(), List.of(), 0));
            }
            Await.until("DONT_HAVEs dropped past a wantlist's worth", () -> leecher.stats().refusedWants() > 0, WAIT);
            assertEquals(0, leecher.stats().blocksSent());
            release.countDown();
        }
    }

    @Test
    void stalledMessagesHoldNoMoreThanThePeersMemoryLimit() throws Exception {
        // A victim whose peers may each reserve 12 MiB, 80 % of it at HIGH priority (a message's):
        // two 4 MiB messages fit, a third does not.
        ResourceManager limited = new ResourceManager(ResourceManagerConfig.defaults().toBuilder()
                .peerDefault(ResourceLimits.unlimited().with(Resource.MEMORY, 12L << 20)).build());
        try (Host limitedHost = Host.builder().listen("/ip4/127.0.0.1/tcp/0").resourceManager(limited).build()) {
            Bitswap limitedVictim = Bitswap.attach(limitedHost, store, CONFIG, ProviderFinder.NONE);
            PeerInfo at = new PeerInfo(limitedHost.peerId(), limitedHost.addresses());
            // each stream announces a 4 MiB message, begins a 2 MiB block in it, and stalls
            int length = MessageCodec.MAX_MESSAGE_BYTES;
            byte[] head = new ProtobufWriter().lengthPrefix(length).lengthDelimited(3, length - 5)
                    .lengthDelimited(2, Block.MAX_SIZE).toByteArray();
            List<Stream> stalled = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Stream st = hostile.newStream(at, ProtocolVersion.V1_2_0.id());
                st.out().write(head);
                st.out().flush();
                stalled.add(st);
            }
            Await.until("a message refused for memory", () -> limitedVictim.stats().memoryRefused() >= 1, WAIT);
            assertEquals(1, limitedVictim.stats().memoryRefused(), "two stalled messages fit in the peer's scope");
            assertEquals(0, limitedVictim.stats().messagesReceived(), "the stalled messages are still being read");
            assertTrue(hostile.network().connection(limitedHost.peerId()).isPresent(), "the connection stays");
            // another peer's scope is its own: it is served
            Bitswap client = Bitswap.attach(good, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), CONFIG, ProviderFinder.NONE);
            good.connect(at);
            try (BitswapSession session = client.newSession()) {
                assertEquals(served, session.get(served.cid(), Duration.ofSeconds(10)).orElseThrow());
            }
            stalled.forEach(Stream::reset);
        }
    }
}
