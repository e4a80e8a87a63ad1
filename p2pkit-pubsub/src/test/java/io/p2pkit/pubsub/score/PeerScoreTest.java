package io.p2pkit.pubsub.score;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.FakeContext;
import io.p2pkit.pubsub.MessageId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerScoreTest {
    private static final String T = "t";
    private static final double EPS = 1e-9;
    private final FakeContext ctx = new FakeContext(3);
    private final TopicScoreParams topic = new TopicScoreParams(1.0,
            0.01, Duration.ofSeconds(1), 100,
            1.0, 0.5, 20,
            -1.0, 0.5, 40, 10, Duration.ofMillis(10), Duration.ofSeconds(5),
            -2.0, 0.5,
            -100.0, 0.5).withMeshMessageDeliveriesTopicShare(0); // go's absolute P3 threshold
    private final PeerScoreParams params = PeerScoreParams.defaults(Map.of(T, topic));
    private final PeerScoreParams shared = PeerScoreParams.defaults(Map.of(T,
            topic.withMeshMessageDeliveriesTopicShare(0.25)));

    private PeerScore score(PeerScoreParams p) {
        return new PeerScore(p, ctx.clock, Duration.ofMinutes(2));
    }

    private static MessageId id(int i) {
        return MessageId.of(new byte[]{(byte) i});
    }

    @Test
    void p1TimeInMeshAndP2FirstDeliveries() {
        PeerScore s = score(params);
        PeerId p = ctx.newPeerId();
        s.addPeer(p, "10.0.0.1");
        s.graft(p, T);
        ctx.clock.advance(Duration.ofSeconds(3));
        assertEquals(0.03, s.score(p), EPS);
        s.validateMessage(p, id(1));
        s.deliverMessage(p, id(1), T);
        assertEquals(1.03, s.score(p), EPS);
        // A second delivery of the same message is not a first delivery.
        s.deliverMessage(p, id(1), T);
        assertEquals(1.03, s.score(p), EPS);
    }

    /**
     * A mesh peer that delivered 4 messages first, 6 s ago: P3 is now active, and the deliveries
     * have decayed six times, to 4 × 0.5^6.
     */
    private PeerId meshPeerWithFourDeliveriesAfterActivation(PeerScore s) {
        PeerId p = ctx.newPeerId();
        s.addPeer(p, null);
        s.graft(p, T);
        for (int i = 0; i < 4; i++) {
            s.validateMessage(p, id(i));
            s.deliverMessage(p, id(i), T);
        }
        ctx.clock.advance(Duration.ofSeconds(6));
        s.refreshIfDue();
        return p;
    }

    @Test
    void p3MeshDeliveryDeficitAfterActivationAndP3bOnPrune() {
        PeerScore s = score(params);
        PeerId p = meshPeerWithFourDeliveriesAfterActivation(s);
        double deficit = 10 - 4 * Math.pow(0.5, 6);
        double p1 = 0.06;
        double p2 = 4 * Math.pow(0.5, 6);
        assertEquals(p1 + p2 - deficit * deficit, s.score(p), 1e-6);
        s.prune(p, T);
        // P3b keeps the deficit as a failure penalty after leaving the mesh.
        assertEquals(p2 - 2.0 * deficit * deficit, s.score(p), 1e-6);
    }

    @Test
    void breakdownExplainsTheScoreComponentByComponent() {
        PeerScore s = score(params);
        PeerId p = meshPeerWithFourDeliveriesAfterActivation(s);
        s.addPenalty(p, 4);
        ScoreBreakdown b = s.breakdown(p);
        double deficit = 10 - 4 * Math.pow(0.5, 6);
        assertEquals(0.06, b.timeInMesh(), 1e-6);
        assertEquals(4 * Math.pow(0.5, 6), b.firstDeliveries(), 1e-6);
        assertEquals(-deficit * deficit, b.meshDeliveries(), 1e-6);
        assertEquals(0, b.meshFailure(), EPS);
        assertEquals(-10.0 * 16, b.behaviour(), EPS); // default P7: weight -10, threshold 0, squared
        assertEquals(s.score(p), b.total(), EPS);
        assertEquals(b.timeInMesh() + b.firstDeliveries() + b.meshDeliveries() + b.behaviour(), b.total(), 1e-6);
        assertEquals("P7", b.worst());
        assertEquals("none", s.breakdown(ctx.newPeerId()).worst());
    }

    @Test
    void duplicatesWithinTheWindowCountAsMeshDeliveries() {
        PeerScore s = score(params);
        PeerId first = ctx.newPeerId();
        PeerId second = ctx.newPeerId();
        s.addPeer(first, null);
        s.addPeer(second, null);
        s.graft(second, T);
        s.validateMessage(first, id(1));
        s.duplicateMessage(second, id(1), T); // arrives while validating
        s.deliverMessage(first, id(1), T);
        ctx.clock.advance(Duration.ofSeconds(6));
        s.refreshIfDue();
        double deficit = 10 - Math.pow(0.5, 6);
        assertEquals(0.06 - deficit * deficit, s.score(second), 1e-6);
    }

    /**
     * A node behind on its queue handles a mesh peer's copy long after it arrived; the P3 window is
     * judged at arrival, so the honest peer whose copy came right after the first still earns it.
     */
    @Test
    void aDuplicateHandledLateCountsByWhenItArrived() {
        PeerScore s = score(params);
        PeerId first = ctx.newPeerId();
        PeerId prompt = ctx.newPeerId();
        PeerId late = ctx.newPeerId();
        for (PeerId p : List.of(first, prompt, late)) {
            s.addPeer(p, null);
        }
        s.graft(prompt, T);
        s.graft(late, T);
        long arrived = ctx.clock.millis();
        s.validateMessage(first, id(1));
        s.deliverMessage(first, id(1), T);
        // One second of backlog later (the window is 10 ms), both copies get handled:
        ctx.clock.advance(Duration.ofSeconds(1));
        s.duplicateMessage(prompt, id(1), T, arrived + 5);  // read 5 ms after the first copy
        s.duplicateMessage(late, id(1), T);                 // really late: read now
        ctx.clock.advance(Duration.ofSeconds(5));
        s.refreshIfDue();
        double credited = 10 - Math.pow(0.5, 6);
        double notCredited = 10;
        assertEquals(0.06 - credited * credited, s.score(prompt), 1e-6);
        assertEquals(0.06 - notCredited * notCredited, s.score(late), 1e-6);
    }

    /**
     * An honest mesh peer whose duplicates all miss the window (slow links, a busy node) is still
     * credited with what it delivered first: about 1/|mesh| of the traffic, 1/12 at D_hi. The
     * default share stays below that; a share of a quarter would penalise it.
     */
    @Test
    void theDefaultTopicShareSparesAPeerCreditedOnlyWithItsFirstDeliveries() {
        for (double share : new double[] {TopicScoreParams.DEFAULT_TOPIC_SHARE, 0.25}) {
            PeerScore s = score(PeerScoreParams.defaults(Map.of(T, topic.withMeshMessageDeliveriesTopicShare(share))));
            PeerId meshPeer = ctx.newPeerId();
            PeerId others = ctx.newPeerId();
            s.addPeer(meshPeer, null);
            s.addPeer(others, null);
            s.graft(meshPeer, T);
            for (int i = 0; i < 120; i++) {
                PeerId from = i % 12 == 0 ? meshPeer : others;
                s.validateMessage(from, id(i));
                s.deliverMessage(from, id(i), T);
            }
            ctx.clock.advance(Duration.ofSeconds(6));
            s.refreshIfDue();
            double p3 = s.breakdown(meshPeer).meshDeliveries();
            if (share == TopicScoreParams.DEFAULT_TOPIC_SHARE) {
                assertEquals(0, p3, EPS, "default share");
            } else {
                assertTrue(p3 < 0, "a quarter of the traffic is more than a 1/12 first-delivery share: " + p3);
            }
        }
    }

    @Test
    void p3InAQuietTopicCostsNothingWithTheTopicShare() {
        PeerScore s = score(shared);
        PeerId p = ctx.newPeerId();
        s.addPeer(p, null);
        s.graft(p, T);
        ctx.clock.advance(Duration.ofSeconds(6));
        s.refreshIfDue();
        assertEquals(0, s.meshDeliveryThreshold(T), EPS);
        assertEquals(0.06, s.score(p), 1e-6, "nothing arrived, so nothing was owed");
        s.prune(p, T);
        assertEquals(0, s.score(p), 1e-6, "and no mesh failure penalty either");
    }

    @Test
    void p3WithTheTopicShareStillPunishesASilentPeerInABusyTopic() {
        PeerScore s = score(shared);
        PeerId silent = ctx.newPeerId();
        PeerId honest = ctx.newPeerId();
        PeerId source = ctx.newPeerId();
        for (PeerId p : List.of(silent, honest, source)) {
            s.addPeer(p, null);
        }
        s.graft(silent, T);
        s.graft(honest, T);
        ctx.clock.advance(Duration.ofSeconds(6));
        s.refreshIfDue(); // P3 active for both
        // 100 messages first from a non-mesh peer; the honest mesh peer sends a third of them too.
        for (int i = 0; i < 100; i++) {
            MessageId id = MessageId.of(new byte[]{1, (byte) i});
            s.validateMessage(source, id);
            if (i % 3 == 0) {
                s.duplicateMessage(honest, id, T);
            }
            s.deliverMessage(source, id, T);
        }
        assertEquals(10, s.meshDeliveryThreshold(T), EPS, "min(threshold 10, 0.25 * 100)");
        double p1 = 0.06;
        assertEquals(p1 - 100, s.score(silent), 1e-6, "the full deficit of 10, squared");
        assertEquals(p1, s.score(honest), 1e-6, "34 deliveries cover the threshold");
    }

    @Test
    void p3TopicShareFollowsTheTrafficAsItDecays() {
        PeerScore s = score(shared);
        PeerId silent = ctx.newPeerId();
        PeerId source = ctx.newPeerId();
        s.addPeer(silent, null);
        s.addPeer(source, null);
        s.graft(silent, T);
        for (int i = 0; i < 20; i++) {
            MessageId id = MessageId.of(new byte[]{2, (byte) i});
            s.validateMessage(source, id);
            s.deliverMessage(source, id, T);
        }
        assertEquals(5, s.meshDeliveryThreshold(T), EPS);
        ctx.clock.advance(Duration.ofSeconds(6));
        s.refreshIfDue();
        double threshold = 0.25 * 20 * Math.pow(0.5, 6);
        assertEquals(threshold, s.meshDeliveryThreshold(T), 1e-9);
        assertEquals(0.06 - threshold * threshold, s.score(silent), 1e-6);
    }

    @Test
    void topicShareOutsideZeroToOneIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> topic.withMeshMessageDeliveriesTopicShare(1.5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> topic.withMeshMessageDeliveriesTopicShare(Double.NaN));
    }

    @Test
    void p4InvalidMessagesIncludingThoseThatArriveDuringValidation() {
        PeerScore s = score(params);
        PeerId a = ctx.newPeerId();
        PeerId b = ctx.newPeerId();
        s.addPeer(a, null);
        s.addPeer(b, null);
        s.validateMessage(a, id(1));
        s.duplicateMessage(b, id(1), T);
        s.rejectMessage(a, id(1), T, true);
        assertEquals(-100, s.score(a), EPS);
        assertEquals(-100, s.score(b), EPS);
        s.rejectMessage(a, null, T, false); // a bad signature
        assertEquals(-400, s.score(a), EPS);
        // Ignored messages cost nothing.
        s.validateMessage(b, id(2));
        s.ignoreMessage(b, id(2));
        assertEquals(-100, s.score(b), EPS);
    }

    @Test
    void p5P6P7() {
        PeerId favourite = ctx.newPeerId();
        PeerScore s = score(params.withAppSpecificScore(p -> p.equals(favourite) ? 5 : 0, 2));
        s.addPeer(favourite, "10.0.0.9");
        assertEquals(10, s.score(favourite), EPS);
        List<PeerId> sybils = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            PeerId p = ctx.newPeerId();
            s.addPeer(p, "10.0.0.1");
            sybils.add(p);
        }
        // 12 peers on one IP, threshold 10: surplus 2, squared, weight -10.
        assertEquals(-40, s.score(sybils.get(0)), EPS);
        s.addPenalty(favourite, 3);
        assertEquals(10 - 90, s.score(favourite), EPS);
    }

    @Test
    void p7ThresholdToleratesAFewPenalties() {
        PeerScore s = score(params.withBehaviourPenalty(-10, 6, 0.9));
        PeerId p = ctx.newPeerId();
        s.addPeer(p, null);
        s.addPenalty(p, 6);
        assertEquals(0, s.score(p), EPS, "up to the threshold costs nothing");
        s.addPenalty(p, 3);
        assertEquals(-90, s.score(p), EPS, "3 over the threshold, squared, weight -10");
    }

    @Test
    void decayAndRetentionOfNegativeScores() {
        PeerScore s = score(params);
        PeerId p = ctx.newPeerId();
        s.addPeer(p, null);
        s.addPenalty(p, 10);
        assertEquals(-1000, s.score(p), EPS);
        ctx.clock.advance(Duration.ofSeconds(1));
        s.refreshIfDue();
        assertEquals(-10 * 9 * 9, s.score(p), 1e-6);
        s.removePeer(p);
        s.addPeer(p, null);
        assertTrue(s.score(p) < 0, "a reconnecting peer keeps its negative score");
        PeerId good = ctx.newPeerId();
        s.addPeer(good, null);
        s.validateMessage(good, id(5));
        s.deliverMessage(good, id(5), T);
        s.removePeer(good);
        assertEquals(0, s.score(good), EPS);
    }
}
