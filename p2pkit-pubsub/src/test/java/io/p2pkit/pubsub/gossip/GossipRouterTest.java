package io.p2pkit.pubsub.gossip;

import io.p2pkit.pubsub.MessageIdFunction;
import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.ControlMessage;
import io.p2pkit.pubsub.FakeContext;
import io.p2pkit.pubsub.MessageId;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.score.PeerScoreParams;
import io.p2pkit.pubsub.score.PeerScoreThresholds;
import io.p2pkit.pubsub.score.TopicScoreParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GossipRouterTest {
    private static final String T = "topic";

    private static List<PeerId> addPeers(FakeContext ctx, GossipRouter r, int n, String protocol, Direction dir) {
        List<PeerId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PeerId p = ctx.peer(protocol, dir, T);
            r.addPeer(p, protocol);
            r.peerSubscribed(p, T);
            out.add(p);
        }
        return out;
    }

    private static GossipRouter router(FakeContext ctx, GossipParams params) {
        GossipRouter r = new GossipRouter(params);
        r.start(ctx);
        return r;
    }

    private static PubsubMessage message(PeerId from, long seq, int size) {
        return new PubsubMessage(from.bytes(), new byte[size], ByteBuffer.allocate(8).putLong(seq).array(), T, null, null);
    }

    private static MessageId id(PubsubMessage m) {
        return io.p2pkit.pubsub.MessageIdFunction.FROM_AND_SEQNO.apply(m);
    }

    private static boolean grafted(FakeContext ctx, PeerId p) {
        return ctx.controlTo(p).stream().anyMatch(c -> c.graft().stream().anyMatch(g -> g.topic().equals(T)));
    }

    private static List<ControlMessage.Prune> prunes(FakeContext ctx, PeerId p) {
        return ctx.controlTo(p).stream().flatMap(c -> c.prune().stream()).toList();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void joinGraftsDPeersAndHeartbeatKeepsTheMeshBetweenLoAndHi(long seed) {
        FakeContext ctx = new FakeContext(seed);
        GossipRouter r = router(ctx, GossipParams.defaults());
        List<PeerId> peers = addPeers(ctx, r, 20, GossipRouter.MESHSUB_V11, Direction.OUTBOUND);
        ctx.joined.add(T);
        r.join(T);
        Set<PeerId> mesh = r.meshPeers(T);
        assertEquals(6, mesh.size());
        for (PeerId p : peers) {
            assertEquals(mesh.contains(p), grafted(ctx, p));
        }
        // Fourteen more peers graft us: the mesh grows to D_hi, then the heartbeat trims it to D.
        for (PeerId p : peers) {
            r.handleControl(p, new ControlMessage(List.of(), List.of(), List.of(new ControlMessage.Graft(T)), List.of(), List.of()));
        }
        assertEquals(20, r.meshPeers(T).size(), "outbound peers may graft beyond D_hi");
        ctx.sent.clear();
        r.heartbeat();
        assertEquals(6, r.meshPeers(T).size());
        int pruned = 0;
        for (PeerId p : peers) {
            List<ControlMessage.Prune> pr = prunes(ctx, p);
            if (!pr.isEmpty()) {
                pruned++;
                assertEquals(60, pr.get(0).backoffSeconds());
                assertFalse(pr.get(0).peers().isEmpty(), "v1.1 peers get peer exchange on a mesh-size prune");
                assertTrue(r.inBackoff(T, p));
            }
        }
        assertEquals(14, pruned);
    }

    @Test
    void inboundGraftsBeyondDHiArePrunedWithPeerExchange() {
        FakeContext ctx = new FakeContext(15);
        GossipRouter r = router(ctx, GossipParams.defaults());
        List<PeerId> peers = addPeers(ctx, r, 20, GossipRouter.MESHSUB_V11, Direction.INBOUND);
        ctx.joined.add(T);
        r.join(T);
        for (PeerId p : peers) {
            r.handleControl(p, new ControlMessage(List.of(), List.of(), List.of(new ControlMessage.Graft(T)), List.of(), List.of()));
        }
        assertEquals(12, r.meshPeers(T).size());
        long prunedWithPx = peers.stream().filter(p -> prunes(ctx, p).stream().anyMatch(x -> !x.peers().isEmpty())).count();
        assertEquals(8, prunedWithPx);
    }

    @Test
    void meshTopsUpBelowDLoAndRespectsBackoff() {
        FakeContext ctx = new FakeContext(4);
        GossipRouter r = router(ctx, GossipParams.defaults());
        ctx.joined.add(T);
        r.join(T);
        assertEquals(0, r.meshPeers(T).size());
        List<PeerId> peers = addPeers(ctx, r, 8, GossipRouter.MESHSUB_V11, Direction.INBOUND);
        // One peer prunes us first: it must not be grafted during its backoff.
        r.handleControl(peers.get(0), new ControlMessage(List.of(), List.of(), List.of(),
                List.of(new ControlMessage.Prune(T, List.of(), 30)), List.of()));
        r.heartbeat();
        assertEquals(6, r.meshPeers(T).size());
        assertFalse(r.meshPeers(T).contains(peers.get(0)));
        ctx.clock.advance(Duration.ofSeconds(31));
        assertFalse(r.inBackoff(T, peers.get(0)));
    }

    @Test
    void floodsubPeersAndNonMeshPeersGetMessagesTheRightWay() {
        FakeContext ctx = new FakeContext(5);
        GossipRouter r = router(ctx, GossipParams.builder().floodPublish(false).build());
        List<PeerId> gossip = addPeers(ctx, r, 10, GossipRouter.MESHSUB_V10, Direction.OUTBOUND);
        List<PeerId> flood = addPeers(ctx, r, 2, GossipRouter.FLOODSUB, Direction.OUTBOUND);
        ctx.joined.add(T);
        r.join(T);
        PeerId author = gossip.get(0);
        PubsubMessage m = message(author, 1, 10);
        Set<PeerId> sent = r.forward(gossip.get(1), id(m), m);
        Set<PeerId> expected = new java.util.HashSet<>(r.meshPeers(T));
        expected.addAll(flood);
        expected.remove(author);
        expected.remove(gossip.get(1));
        assertEquals(expected, sent);
        // Mesh members are never floodsub peers.
        flood.forEach(p -> assertFalse(r.meshPeers(T).contains(p)));
    }

    @Test
    void floodPublishSendsOwnMessagesToAllTopicPeers() {
        FakeContext ctx = new FakeContext(6);
        GossipRouter r = router(ctx, GossipParams.defaults());
        List<PeerId> peers = addPeers(ctx, r, 15, GossipRouter.MESHSUB_V11, Direction.OUTBOUND);
        PubsubMessage m = message(ctx.local, 1, 10);
        assertEquals(Set.copyOf(peers), r.forward(null, id(m), m));
    }

    @Test
    void publishingWithoutJoiningUsesFanoutWhichExpires() {
        FakeContext ctx = new FakeContext(7);
        GossipRouter r = router(ctx, GossipParams.builder().floodPublish(false).build());
        addPeers(ctx, r, 15, GossipRouter.MESHSUB_V11, Direction.OUTBOUND);
        PubsubMessage m = message(ctx.local, 1, 10);
        Set<PeerId> sent = r.forward(null, id(m), m);
        assertEquals(6, sent.size());
        assertEquals(sent, r.fanoutPeers(T));
        ctx.clock.advance(Duration.ofSeconds(61));
        r.heartbeat();
        assertTrue(r.fanoutPeers(T).isEmpty());
    }

    @Test
    void ihaveGossipIwantAnswersAndRetransmissionCap() {
        FakeContext ctx = new FakeContext(8);
        GossipRouter r = router(ctx, GossipParams.defaults());
        List<PeerId> peers = addPeers(ctx, r, 20, GossipRouter.MESHSUB_V11, Direction.OUTBOUND);
        ctx.joined.add(T);
        r.join(T);
        PubsubMessage m = message(peers.get(0), 1, 10);
        r.forward(peers.get(0), id(m), m);
        ctx.sent.clear();
        r.heartbeat();
        // IHAVE goes to max(D_lazy, 0.25 * 14) = 6 non-mesh peers.
        int gossiped = 0;
        for (PeerId p : peers) {
            boolean got = ctx.controlTo(p).stream().anyMatch(c -> !c.ihave().isEmpty());
            if (got) {
                gossiped++;
                assertFalse(r.meshPeers(T).contains(p));
            }
        }
        assertEquals(6, gossiped);
        // A peer asks for it with IWANT: answered at most three times.
        PeerId asker = peers.get(19);
        ctx.sent.clear();
        for (int i = 0; i < 5; i++) {
            r.handleControl(asker, new ControlMessage(List.of(), List.of(new ControlMessage.IWant(List.of(id(m)))),
                    List.of(), List.of(), List.of()));
        }
        assertEquals(3, ctx.messagesTo(asker).size());
    }

    @Test
    void iwantSpamIsAnsweredOncePerIdPerRpcAndCappedPerHeartbeat() {
        FakeContext ctx = new FakeContext(13);
        GossipRouter r = router(ctx, GossipParams.builder().ihaveLimits(4, 10).build());
        List<PeerId> peers = addPeers(ctx, r, 3, GossipRouter.MESHSUB_V11, Direction.OUTBOUND);
        ctx.joined.add(T);
        r.join(T);
        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            PubsubMessage m = message(peers.get(0), i, 10);
            r.forward(peers.get(0), id(m), m);
            ids.add(id(m));
        }
        PeerId spammer = peers.get(1);
        ctx.sent.clear();
        // The same ID three times in one RPC: one answer, not three.
        MessageId one = ids.get(0);
        r.handleControl(spammer, new ControlMessage(List.of(), List.of(new ControlMessage.IWant(List.of(one, one)),
                new ControlMessage.IWant(List.of(one))), List.of(), List.of(), List.of()));
        assertEquals(1, ctx.messagesTo(spammer).size());
        // Every ID in many RPCs: 4 answers in all until the next heartbeat.
        for (int i = 0; i < 5; i++) {
            r.handleControl(spammer, new ControlMessage(List.of(), List.of(new ControlMessage.IWant(ids)),
                    List.of(), List.of(), List.of()));
        }
        assertEquals(4, ctx.messagesTo(spammer).size());
        r.heartbeat();
        ctx.sent.clear();
        r.handleControl(spammer, new ControlMessage(List.of(), List.of(new ControlMessage.IWant(ids.subList(4, 6))),
                List.of(), List.of(), List.of()));
        assertEquals(2, ctx.messagesTo(spammer).size(), "a new heartbeat, a new allowance");
    }

    @Test
    void ihaveAsksOnlyForUnseenMessagesAndIsCappedPerHeartbeat() {
        FakeContext ctx = new FakeContext(9);
        GossipRouter r = router(ctx, GossipParams.defaults());
        PeerId p = addPeers(ctx, r, 1, GossipRouter.MESHSUB_V11, Direction.OUTBOUND).get(0);
        ctx.joined.add(T);
        r.join(T);
        MessageId seen = MessageId.of(new byte[]{1});
        MessageId unseen = MessageId.of(new byte[]{2});
        ctx.seenIds.add(seen);
        ctx.sent.clear();
        for (int i = 0; i < 15; i++) {
            r.handleControl(p, new ControlMessage(List.of(new ControlMessage.IHave(T, List.of(seen, unseen))),
                    List.of(), List.of(), List.of(), List.of()));
        }
        List<ControlMessage> replies = ctx.controlTo(p);
        assertEquals(10, replies.size(), "at most 10 IHAVE messages per peer per heartbeat are answered");
        replies.forEach(c -> assertEquals(List.of(unseen), c.iwant().get(0).messageIds()));
    }

    @Test
    void brokenIwantPromisesArePenalised() {
        FakeContext ctx = new FakeContext(10);
        GossipParams params = scored(GossipParams.builder()).build();
        GossipRouter r = router(ctx, params);
        PeerId p = addPeers(ctx, r, 1, GossipRouter.MESHSUB_V11, Direction.OUTBOUND).get(0);
        ctx.joined.add(T);
        r.join(T);
        r.handleControl(p, new ControlMessage(List.of(new ControlMessage.IHave(T, List.of(MessageId.of(new byte[]{7})))),
                List.of(), List.of(), List.of(), List.of()));
        ctx.clock.advance(Duration.ofSeconds(4));
        r.heartbeat();
        assertEquals(1, r.brokenPromises());
        assertTrue(r.score(p) < 0, "P7 behaviour penalty: " + r.score(p));
    }

    @Test
    void aPromiseIsNotJudgedWhileAnRpcReadBeforeItsDeadlineWaitsInOurQueue() {
        FakeContext ctx = new FakeContext(10);
        GossipRouter r = router(ctx, scored(GossipParams.builder()).build());
        PeerId p = addPeers(ctx, r, 1, GossipRouter.MESHSUB_V11, Direction.OUTBOUND).get(0);
        ctx.joined.add(T);
        r.join(T);
        PubsubMessage m = message(p, 1, 100);
        r.handleControl(p, new ControlMessage(List.of(new ControlMessage.IHave(T, List.of(id(m)))),
                List.of(), List.of(), List.of(), List.of()));
        long readAt = ctx.clock.millis() + 1_000; // the answer was read 1 s after the IWANT, well in time
        ctx.clock.advance(Duration.ofSeconds(4));
        ctx.handledUntil = readAt;                // ...but still waits in this node's queue
        r.heartbeat();
        assertEquals(0, r.brokenPromises(), "a node behind on its queue does not blame the peer");
        r.firstSeen(p, id(m), m);                 // the queued answer is handled
        ctx.handledUntil = -1;
        ctx.clock.advance(Duration.ofSeconds(1));
        r.heartbeat();
        assertEquals(0, r.brokenPromises(), "the promise was kept");
        assertTrue(r.score(p) >= 0, "no P7 penalty: " + r.score(p));
    }

    @Test
    void graftDuringBackoffIsPrunedAndPenalised() {
        FakeContext ctx = new FakeContext(11);
        GossipRouter r = router(ctx, scored(GossipParams.builder()).build());
        PeerId p = addPeers(ctx, r, 1, GossipRouter.MESHSUB_V11, Direction.OUTBOUND).get(0);
        ctx.joined.add(T);
        r.join(T);
        assertTrue(r.meshPeers(T).contains(p));
        r.handleControl(p, new ControlMessage(List.of(), List.of(), List.of(),
                List.of(new ControlMessage.Prune(T, List.of(), 60)), List.of()));
        assertFalse(r.meshPeers(T).contains(p));
        ctx.sent.clear();
        r.handleControl(p, new ControlMessage(List.of(), List.of(), List.of(new ControlMessage.Graft(T)), List.of(), List.of()));
        assertFalse(r.meshPeers(T).contains(p));
        assertEquals(1, prunes(ctx, p).size());
        assertTrue(r.score(p) < 0);
    }

    @Test
    void idontwantIsSentForLargeMessagesAndHonoured() {
        FakeContext ctx = new FakeContext(12);
        GossipRouter r = router(ctx, GossipParams.builder().floodPublish(false).build());
        List<PeerId> peers = addPeers(ctx, r, 6, GossipRouter.MESHSUB_V12, Direction.OUTBOUND);
        ctx.joined.add(T);
        r.join(T);
        PubsubMessage big = message(peers.get(0), 1, 2000);
        ctx.sent.clear();
        r.firstSeen(peers.get(0), id(big), big);
        for (PeerId p : peers.subList(1, 6)) {
            assertTrue(ctx.controlTo(p).stream().anyMatch(c -> !c.idontwant().isEmpty()));
        }
        assertTrue(ctx.controlTo(peers.get(0)).isEmpty(), "not to the peer it came from");
        // A small message gets none.
        ctx.sent.clear();
        PubsubMessage small = message(peers.get(0), 2, 10);
        r.firstSeen(peers.get(0), id(small), small);
        assertTrue(ctx.sent.isEmpty());
        // A peer that said IDONTWANT does not get the message.
        PeerId refuser = peers.get(1);
        r.handleControl(refuser, new ControlMessage(List.of(), List.of(), List.of(), List.of(),
                List.of(new ControlMessage.IDontWant(List.of(id(big))))));
        Set<PeerId> sent = r.forward(peers.get(2), id(big), big);
        assertFalse(sent.contains(refuser));
        assertTrue(sent.contains(peers.get(3)));
    }

    @Test
    void outboundQuotaIsKeptWhenTrimming() {
        FakeContext ctx = new FakeContext(13);
        GossipRouter r = router(ctx, GossipParams.defaults());
        List<PeerId> in = addPeers(ctx, r, 16, GossipRouter.MESHSUB_V11, Direction.INBOUND);
        ctx.joined.add(T);
        r.join(T);
        List<PeerId> out = addPeers(ctx, r, 2, GossipRouter.MESHSUB_V11, Direction.OUTBOUND);
        List<PeerId> all = new ArrayList<>(in);
        all.addAll(out);
        for (PeerId p : all) {
            r.handleControl(p, new ControlMessage(List.of(), List.of(), List.of(new ControlMessage.Graft(T)), List.of(), List.of()));
        }
        r.heartbeat();
        Set<PeerId> mesh = r.meshPeers(T);
        assertEquals(6, mesh.size());
        assertTrue(mesh.containsAll(out), "both outbound peers stay: D_out = 2");
    }

    @Test
    void negativeScorePeersLeaveTheMeshAndGraylistedPeersAreIgnored() {
        FakeContext ctx = new FakeContext(14);
        GossipRouter r = router(ctx, scored(GossipParams.builder()).build());
        List<PeerId> peers = addPeers(ctx, r, 6, GossipRouter.MESHSUB_V11, Direction.OUTBOUND);
        ctx.joined.add(T);
        r.join(T);
        PeerId bad = peers.get(0);
        // Invalid messages (P4) drive the score far below zero.
        for (int i = 0; i < 20; i++) {
            PubsubMessage m = message(bad, 100 + i, 10);
            r.rejected(bad, id(m), m, "validator rejected it");
        }
        assertTrue(r.score(bad) < -16000, "score " + r.score(bad));
        assertFalse(r.acceptFrom(bad));
        r.heartbeat();
        assertFalse(r.meshPeers(T).contains(bad));
        assertTrue(r.acceptFrom(peers.get(1)));
    }

    static GossipParams.Builder scored(GossipParams.Builder b) {
        return b.scoring(PeerScoreParams.defaults(Map.of(T, TopicScoreParams.forRate(10))), PeerScoreThresholds.DEFAULT);
    }
}
