package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.reputation.Outcome;
import io.p2pkit.core.reputation.PeerReputation;
import io.p2pkit.core.reputation.ReputationConfig;
import io.p2pkit.ipfs.bitswap.wire.Presence;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's choices, driven by hand: no threads, no sockets, a clock that moves when told. */
class ClientEngineTest {
    private record Sent(PeerId peer, WantEntry entry) {
    }

    private final List<PeerId> connected = new ArrayList<>();
    private final List<PeerId> oldPeers = new ArrayList<>();
    /** Peers on the internet: broadcast control leaves them out (the others are local, as on loopback). */
    private final List<PeerId> remote = new ArrayList<>();
    private final List<PeerId> peered = new ArrayList<>();
    private final List<PeerId> pending = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<Cid> searched = new ArrayList<>();
    private long now;
    private final PeerReputation reputation = new PeerReputation(ReputationConfig.defaults(), () -> now);
    private ClientEngine engine;
    private final PeerId a = ServerEngineTest.peer();
    private final PeerId b = ServerEngineTest.peer();
    private final PeerId c = ServerEngineTest.peer();
    private final Block block = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[]{1, 2, 3});

    @BeforeEach
    void engine() {
        connected.addAll(List.of(a, b, c));
        engine = engine(BroadcastControl.DEFAULT);
    }

    private ClientEngine engine(BroadcastControl broadcast) {
        return new ClientEngine(BitswapConfig.defaults().withTimings(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(30)).withBroadcast(broadcast), new ClientEngine.Environment() {
            @Override
            public List<PeerId> peers() {
                return List.copyOf(connected);
            }

            @Override
            public boolean speaksHave(PeerId peer) {
                return !oldPeers.contains(peer);
            }

            @Override
            public void send(PeerId peer, List<WantEntry> entries) {
                entries.forEach(e -> sent.add(new Sent(peer, e)));
            }

            @Override
            public void findProviders(Cid cid) {
                searched.add(cid);
            }

            @Override
            public boolean local(PeerId peer) {
                return !remote.contains(peer);
            }

            @Override
            public boolean peered(PeerId peer) {
                return peered.contains(peer);
            }

            @Override
            public boolean pending(PeerId peer) {
                return pending.contains(peer);
            }

            @Override
            public long nanoTime() {
                return now;
            }
        }, reputation);
    }

    /** Kubo's broadcast control: remote peers hear broadcasts once they sent a HAVE or a block. */
    @Test
    void broadcastsGoToPeersThatAnsweredBeforeAndToLocalOnes() {
        remote.addAll(List.of(a, b));
        ClientEngine.SessionState s = new ClientEngine.SessionState();
        engine.want(s, block.cid());
        assertEquals(List.of(c), sentTo(WantType.HAVE, false), "only the local peer hears it");
        assertEquals(2, engine.broadcastsSkipped());
        engine.providerFound(block.cid(), b); // a provider lookup names b: it is asked
        assertEquals(List.of(c, b), sentTo(WantType.HAVE, false));
        engine.presenceReceived(b, new Presence(block.cid(), true));
        engine.blockReceived(b, block);
        sent.clear();
        Block other = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[]{4});
        engine.want(new ClientEngine.SessionState(), other.cid());
        assertEquals(List.of(b, c), sentTo(WantType.HAVE, false), "b answered once: it hears broadcasts now");
        engine.peerDisconnected(b);
        engine.peerConnected(b); // a new connection hears the wants outstanding, as boxo's
        sent.clear();
        Block third = Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[]{5});
        engine.want(new ClientEngine.SessionState(), third.cid());
        assertEquals(List.of(c), sentTo(WantType.HAVE, false), "forgotten with its connection");
    }

    @Test
    void peeredPendingAndRandomPeersAndTheLimitAreKubos() {
        remote.addAll(List.of(a, b, c));
        peered.add(a);
        pending.add(b);
        engine = engine(new BroadcastControl(true, -1, false, false, 0, true));
        engine.want(new ClientEngine.SessionState(), block.cid());
        assertEquals(List.of(a, b), sentTo(WantType.HAVE, false), "the peered one, and one with a message queued");
        sent.clear();
        engine = engine(new BroadcastControl(true, -1, false, true, 1, false));
        engine.want(new ClientEngine.SessionState(), block.cid());
        assertEquals(1, sentTo(WantType.HAVE, false).size(), "peering reduced too; one random peer anyway");
        sent.clear();
        remote.clear();
        engine = engine(new BroadcastControl(true, 2, false, false, 0, false));
        engine.want(new ClientEngine.SessionState(), block.cid());
        assertEquals(List.of(a, b), sentTo(WantType.HAVE, false), "at most two peers");
        sent.clear();
        engine = engine(new BroadcastControl(true, 0, false, false, 0, false));
        engine.want(new ClientEngine.SessionState(), block.cid());
        assertEquals(List.of(), sentTo(WantType.HAVE, false), "0: no broadcast at all");
        sent.clear();
        remote.addAll(List.of(a, b, c));
        engine = engine(BroadcastControl.OFF);
        engine.want(new ClientEngine.SessionState(), block.cid());
        assertEquals(List.of(a, b, c), sentTo(WantType.HAVE, false), "off: everyone, as Kubo before 0.36");
        assertEquals(0, engine.broadcastsSkipped());
    }

    private List<PeerId> sentTo(WantType type, boolean cancel) {
        return sent.stream().filter(s -> s.entry.type() == type && s.entry.cancel() == cancel).map(Sent::peer).toList();
    }

    @Test
    void aNewSessionBroadcastsWantHaveThenAsksTheFirstPeerThatHasIt() {
        ClientEngine.SessionState s = new ClientEngine.SessionState();
        CompletableFuture<Block> f = engine.want(s, block.cid());
        assertEquals(List.of(a, b, c), sentTo(WantType.HAVE, false));
        assertTrue(sent.stream().allMatch(x -> x.entry.sendDontHave()));
        sent.clear();
        engine.presenceReceived(b, new Presence(block.cid(), true));
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false));
        sent.clear();
        assertTrue(engine.blockReceived(b, block).isPresent());
        assertTrue(f.isDone());
        assertEquals(List.of(a, c), sentTo(WantType.BLOCK, true), "cancels go to the others asked");
        assertEquals(0, engine.wanted());
    }

    @Test
    void aSessionPeerGetsAnOptimisticWantBlockAndTheOthersWantHave() {
        ClientEngine.SessionState s = new ClientEngine.SessionState();
        s.peers.addAll(List.of(a, b));
        s.received.put(b, 10L);
        engine.want(s, block.cid());
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false), "the peer that sent the most, with nothing in flight");
        assertEquals(List.of(a), sentTo(WantType.HAVE, false));
    }

    @Test
    void dontHaveAndTimeoutsMoveOnToTheNextPeer() {
        ClientEngine.SessionState s = new ClientEngine.SessionState();
        engine.want(s, block.cid());
        engine.presenceReceived(a, new Presence(block.cid(), true));
        engine.presenceReceived(b, new Presence(block.cid(), true));
        engine.presenceReceived(c, new Presence(block.cid(), true));
        assertEquals(List.of(a), sentTo(WantType.BLOCK, false));
        sent.clear();
        engine.presenceReceived(a, new Presence(block.cid(), false));
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false), "DONT_HAVE: the next peer that has it");
        sent.clear();
        now += Duration.ofSeconds(6).toNanos();
        engine.tick();
        assertEquals(List.of(c), sentTo(WantType.BLOCK, false), "b did not answer in time");
    }

    @Test
    void wantsNobodyHasAreLookedUpAfterTheProviderDelay() {
        engine.want(new ClientEngine.SessionState(), block.cid());
        for (PeerId p : List.of(a, b, c)) {
            engine.presenceReceived(p, new Presence(block.cid(), false));
        }
        assertEquals(List.of(block.cid()), searched, "everyone said DONT_HAVE: search at once");
        searched.clear();
        now += Duration.ofSeconds(2).toNanos();
        engine.tick();
        assertTrue(searched.isEmpty(), "searched recently");
        PeerId provider = ServerEngineTest.peer();
        sent.clear();
        engine.providerFound(block.cid(), provider);
        assertEquals(List.of(provider), sentTo(WantType.HAVE, false));
    }

    @Test
    void peersBefore120AreAskedForTheBlockItself() {
        oldPeers.add(c);
        engine.want(new ClientEngine.SessionState(), block.cid());
        assertEquals(List.of(a, b), sentTo(WantType.HAVE, false));
        assertEquals(List.of(c), sentTo(WantType.BLOCK, false));
    }

    @Test
    void unwantedBlocksAreNotTakenAndCancelledWantsAreForgotten() {
        assertTrue(engine.blockReceived(a, block).isEmpty());
        ClientEngine.SessionState s = new ClientEngine.SessionState();
        CompletableFuture<Block> f = engine.want(s, block.cid());
        engine.cancel(s, block.cid());
        assertTrue(f.isCompletedExceptionally(), "the want is over");
        assertEquals(List.of(a, b, c), sentTo(WantType.BLOCK, true));
        assertFalse(engine.wants(block.cid().multihash()));
        assertTrue(engine.blockReceived(a, block).isEmpty());
    }

    @Test
    void aDisconnectedPeersWantBlockGoesToAnotherThatHasIt() {
        engine.want(new ClientEngine.SessionState(), block.cid());
        engine.presenceReceived(a, new Presence(block.cid(), true));
        engine.presenceReceived(b, new Presence(block.cid(), true));
        sent.clear();
        connected.remove(a);
        engine.peerDisconnected(a);
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false));
    }

    @Test
    void aBlockWantedAsCidv1ArrivesWithThatCid() throws Exception {
        Cid asV1Cbor = Cid.v1(Multicodec.DAG_CBOR, block.cid().multihash());
        CompletableFuture<Block> f = engine.want(new ClientEngine.SessionState(), asV1Cbor);
        engine.blockReceived(a, block);
        assertEquals(asV1Cbor, f.get().cid());
    }

    private Block block(int i) {
        return Block.create(Multicodec.RAW, Multicodec.SHA2_256, new byte[]{9, (byte) i});
    }

    @Test
    void aProviderThatTimedOutLosesTheNextWantBlockToOneThatDelivered() {
        ClientEngine.SessionState s = new ClientEngine.SessionState();
        s.peers.addAll(List.of(a, b));
        Block first = block(1);
        engine.want(s, first.cid());
        assertEquals(List.of(a), sentTo(WantType.BLOCK, false), "nothing known: the first with nothing in flight");
        sent.clear();
        now += Duration.ofSeconds(6).toNanos();
        engine.tick();
        assertTrue(reputation.score(a) < 0, "the timeout counts against a");
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false));
        now += Duration.ofMillis(10).toNanos();
        engine.blockReceived(b, first);
        assertTrue(reputation.score(b) > 0);
        assertEquals(Duration.ofMillis(10), reputation.details(b).orElseThrow().latency().orElseThrow());
        for (int i = 2; i < 6; i++) {
            sent.clear();
            Block next = block(i);
            engine.want(s, next.cid());
            assertEquals(List.of(b), sentTo(WantType.BLOCK, false), "block " + i + " goes to the provider that delivered");
            assertEquals(List.of(a), sentTo(WantType.HAVE, false), "the other is still asked whether it has it");
            now += Duration.ofMillis(10).toNanos();
            engine.blockReceived(b, next);
        }
    }

    @Test
    void aFastProviderIsPreferredToASlowOne() {
        ClientEngine.SessionState s = new ClientEngine.SessionState();
        s.peers.addAll(List.of(a, b));
        Block first = block(1);
        engine.want(s, first.cid());
        now += Duration.ofSeconds(2).toNanos();
        engine.blockReceived(a, first); // a: 2 s
        Block second = block(2);
        sent.clear();
        engine.want(s, second.cid());
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false), "unknown (200 ms assumed) beats 2 s");
        now += Duration.ofMillis(20).toNanos();
        engine.blockReceived(b, second); // b: 20 ms
        sent.clear();
        engine.want(s, block(3).cid());
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false));
    }

    @Test
    void aHaveFromABadPeerWaitsForTheOthersToAnswer() {
        reputation.record(a, Outcome.PROTOCOL_ERROR);
        engine.want(new ClientEngine.SessionState(), block.cid());
        sent.clear();
        engine.presenceReceived(a, new Presence(block.cid(), true));
        assertEquals(List.of(), sentTo(WantType.BLOCK, false), "b and c may do better");
        engine.presenceReceived(b, new Presence(block.cid(), true));
        assertEquals(List.of(b), sentTo(WantType.BLOCK, false));
    }

    @Test
    void aBadPeersHaveIsTakenWhenNobodyBetterHasIt() {
        reputation.record(a, Outcome.PROTOCOL_ERROR);
        engine.want(new ClientEngine.SessionState(), block.cid());
        sent.clear();
        engine.presenceReceived(a, new Presence(block.cid(), true));
        engine.presenceReceived(b, new Presence(block.cid(), false));
        assertEquals(List.of(), sentTo(WantType.BLOCK, false));
        assertTrue(reputation.score(b) < 0, "DONT_HAVE counts a little against b");
        engine.presenceReceived(c, new Presence(block.cid(), false));
        assertEquals(List.of(a), sentTo(WantType.BLOCK, false), "everyone else answered DONT_HAVE");
    }

    @Test
    void aBadPeersHaveIsTakenAfterHalfTheBlockTimeoutWhenTheOthersAreSilent() {
        reputation.record(a, Outcome.PROTOCOL_ERROR);
        engine.want(new ClientEngine.SessionState(), block.cid());
        sent.clear();
        engine.presenceReceived(a, new Presence(block.cid(), true));
        assertEquals(List.of(), sentTo(WantType.BLOCK, false));
        assertEquals(List.of(a), engine.haves(block.cid()));
        now += Duration.ofMillis(250).toNanos();
        engine.tick();
        assertEquals(List.of(), sentTo(WantType.BLOCK, false), "the others still have time");
        now += Duration.ofMillis(2500).toNanos();
        engine.tick();
        assertEquals(List.of(a), sentTo(WantType.BLOCK, false), "half the block timeout (5 s) passed");
    }
}
