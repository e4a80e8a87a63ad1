package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.ipfs.bitswap.wire.BitswapMessage;
import io.p2pkit.ipfs.bitswap.wire.MessageCodec;
import io.p2pkit.ipfs.bitswap.wire.Presence;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two providers of the same blocks on loopback, one honest and one that says HAVE to everything
 * but never sends a block: the client's reputation of each decides whom it asks.
 */
@Timeout(60)
class BitswapReputationTest {
    private static final BitswapConfig FAST = BitswapConfig.defaults()
            .withTimings(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1));
    private static final String V120 = ProtocolVersion.V1_2_0.id();

    private Host client;
    private Host good;
    private Host liar;
    private final MemoryBlockstore goodStore = new MemoryBlockstore(MemoryBlockstore.Limits.defaults());
    private final AtomicInteger wantBlocksToLiar = new AtomicInteger();
    private final List<Block> blocks = new ArrayList<>();

    @BeforeEach
    void hosts() throws IOException {
        client = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        good = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        liar = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        for (int i = 0; i < 6; i++) {
            Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, ("block " + i).getBytes());
            blocks.add(b);
            goodStore.put(b);
        }
        Bitswap.attach(good, goodStore, FAST, ProviderFinder.NONE);
        // The liar answers every want with HAVE, on a stream of its own as Bitswap does, and sends nothing else.
        liar.setStreamHandler(V120, s -> {
            for (byte[] raw; (raw = LengthPrefixed.read(s.in(), MessageCodec.MAX_MESSAGE_BYTES)) != null; ) {
                List<Presence> haves = new ArrayList<>();
                for (WantEntry w : MessageCodec.decode(raw, 1 << 21).wants()) {
                    if (!w.cancel()) {
                        haves.add(new Presence(w.cid(), true));
                        if (w.type() == WantType.BLOCK) {
                            wantBlocksToLiar.incrementAndGet();
                        }
                    }
                }
                if (!haves.isEmpty()) {
                    try (Stream out = liar.newStream(s.remotePeer(), V120)) {
                        write(out, new BitswapMessage(List.of(), false, List.of(), haves, 0));
                    }
                }
            }
        });
    }

    @AfterEach
    void close() {
        client.close();
        good.close();
        liar.close();
    }

    private static void write(Stream s, BitswapMessage m) throws IOException {
        LengthPrefixed.write(s.out(), MessageCodec.encode(m, ProtocolVersion.V1_2_0));
        s.out().flush();
    }

    @Test
    void aProviderThatSentGarbageIsNotAskedForBlocksWhileAnHonestOneAnswers() throws Exception {
        Bitswap bitswap = Bitswap.attach(client, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), FAST,
                ProviderFinder.NONE);
        client.connect(new PeerInfo(liar.peerId(), liar.addresses()));
        client.connect(new PeerInfo(good.peerId(), good.addresses()));
        Await.until("both providers known to speak Bitswap", () -> bitswap.peers().size() == 2, Duration.ofSeconds(10));
        // The liar once sent a message that is not Bitswap: the client's stream handler resets it and remembers.
        try (Stream s = liar.newStream(client.peerId(), V120)) {
            LengthPrefixed.write(s.out(), new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff});
            s.out().flush();
        }
        Await.until("the protocol error counted", () -> client.reputation().score(liar.peerId()) < 0,
                Duration.ofSeconds(10));
        try (BitswapSession session = bitswap.newSession()) {
            for (Block b : blocks) {
                assertEquals(b, session.get(b.cid(), Duration.ofSeconds(20)).orElseThrow());
            }
        }
        assertEquals(0, wantBlocksToLiar.get(), "the liar's HAVEs were held back for the honest provider");
        assertTrue(client.reputation().score(good.peerId()) > 0);
    }

    @Test
    void aProviderThatTimesOutIsAskedLater() throws Exception {
        Bitswap bitswap = Bitswap.attach(client, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), FAST,
                ProviderFinder.NONE);
        client.connect(new PeerInfo(liar.peerId(), liar.addresses()));
        Await.until("the liar known to speak Bitswap", () -> bitswap.peers().size() == 1, Duration.ofSeconds(10));
        try (BitswapSession session = bitswap.newSession()) {
            // Only the liar is there: it gets the want-block, and times out.
            var first = session.want(blocks.get(0).cid());
            Await.until("the liar's timeout counted", () -> client.reputation().score(liar.peerId()) < 0,
                    Duration.ofSeconds(20));
            client.connect(new PeerInfo(good.peerId(), good.addresses()));
            assertEquals(blocks.get(0), first.get());
            int askedBefore = wantBlocksToLiar.get();
            for (Block b : blocks.subList(1, blocks.size())) {
                assertEquals(b, session.get(b.cid(), Duration.ofSeconds(20)).orElseThrow());
            }
            assertEquals(askedBefore, wantBlocksToLiar.get(), "the session asked the provider that delivered");
        }
    }

    @Test
    void optimalProvidersRanksByReputation() throws Exception {
        ProviderFinder both = (cid, limit, found) -> {
            found.accept(new PeerInfo(liar.peerId(), liar.addresses()));
            found.accept(new PeerInfo(good.peerId(), good.addresses()));
            found.accept(new PeerInfo(client.peerId(), client.addresses())); // never itself
        };
        Bitswap bitswap = Bitswap.attach(client, new MemoryBlockstore(MemoryBlockstore.Limits.defaults()), FAST, both);
        client.connect(new PeerInfo(good.peerId(), good.addresses()));
        Await.until("the provider known to speak Bitswap", () -> bitswap.peers().size() == 1, Duration.ofSeconds(10));
        assertEquals(blocks.get(0), bitswap.fetch(blocks.get(0).cid(), Duration.ofSeconds(20)).map(
                d -> Block.of(blocks.get(0).cid(), d)).orElseThrow());
        List<PeerId> best = bitswap.optimalProviders(blocks.get(1).cid(), 1 << 20, 5).stream()
                .map(PeerInfo::peerId).toList();
        assertEquals(List.of(good.peerId(), liar.peerId()), best, "the one that delivered first");
        assertEquals(List.of(good.peerId()), bitswap.optimalProviders(blocks.get(1).cid(), 10, 1).stream()
                .map(PeerInfo::peerId).toList());
    }
}
