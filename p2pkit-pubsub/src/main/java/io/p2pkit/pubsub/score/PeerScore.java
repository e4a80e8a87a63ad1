package io.p2pkit.pubsub.score;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.MessageId;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gossipsub v1.1 peer score: counters per peer and topic fed by the router's events, decayed
 * periodically, combined into one number by {@link #score(PeerId)}. Owner-thread only.
 */
public final class PeerScore {
    private final PeerScoreParams params;
    private final Clock clock;
    private final Duration deliveryRecordTtl;
    private final Map<PeerId, PeerStats> stats = new HashMap<>();
    private final Map<String, Set<PeerId>> peersByIp = new HashMap<>();
    private final LinkedHashMap<MessageId, DeliveryRecord> deliveries = new LinkedHashMap<>();
    /** Valid messages received per scored topic, decayed like the mesh delivery counters (P3's yardstick). */
    private final Map<String, Double> topicDeliveries = new HashMap<>();
    private long lastDecay;

    private enum Status { UNKNOWN, VALID, INVALID, IGNORED }

    private static final class DeliveryRecord {
        Status status = Status.UNKNOWN;
        final long firstSeen;
        long validated;
        final Set<PeerId> peers = new HashSet<>();

        DeliveryRecord(long now) {
            firstSeen = now;
        }
    }

    private static final class TopicStats {
        boolean inMesh;
        long graftTime;
        long meshTime;
        double firstMessageDeliveries;
        double meshMessageDeliveries;
        boolean meshMessageDeliveriesActive;
        double meshFailurePenalty;
        double invalidMessageDeliveries;
    }

    private static final class PeerStats {
        boolean connected = true;
        long expire;
        final Map<String, TopicStats> topics = new HashMap<>();
        Set<String> ips = Set.of();
        double behaviourPenalty;
    }

    /**
     * A score.
     *
     * @param deliveryRecordTtl how long delivery records are kept (the seen-cache TTL)
     */
    public PeerScore(PeerScoreParams params, Clock clock, Duration deliveryRecordTtl) {
        this.params = params;
        this.clock = clock;
        this.deliveryRecordTtl = deliveryRecordTtl;
        this.lastDecay = clock.millis();
    }

    /** The parameters. */
    public PeerScoreParams params() {
        return params;
    }

    /** A peer connected from {@code ip} (null if not over IP). */
    public void addPeer(PeerId peer, String ip) {
        PeerStats ps = stats.computeIfAbsent(peer, p -> new PeerStats());
        ps.connected = true;
        ps.ips = ip == null ? Set.of() : Set.of(ip);
        for (String i : ps.ips) {
            peersByIp.computeIfAbsent(i, k -> new HashSet<>()).add(peer);
        }
    }

    /** A peer disconnected: its score is kept for a while if negative, so reconnecting does not clear it. */
    public void removePeer(PeerId peer) {
        PeerStats ps = stats.get(peer);
        if (ps == null) {
            return;
        }
        for (String i : ps.ips) {
            Set<PeerId> s = peersByIp.get(i);
            if (s != null) {
                s.remove(peer);
                if (s.isEmpty()) {
                    peersByIp.remove(i);
                }
            }
        }
        if (score(peer) > 0) {
            stats.remove(peer);
            return;
        }
        for (Map.Entry<String, TopicStats> e : ps.topics.entrySet()) {
            TopicStats ts = e.getValue();
            ts.firstMessageDeliveries = 0;
            applyMeshFailure(e.getKey(), ts);
            ts.inMesh = false;
            ts.meshMessageDeliveriesActive = false;
        }
        ps.connected = false;
        ps.expire = clock.millis() + params.retainScore().toMillis();
    }

    /** The peer joined our mesh for {@code topic}. */
    public void graft(PeerId peer, String topic) {
        TopicStats ts = topicStats(peer, topic);
        if (ts != null) {
            ts.inMesh = true;
            ts.graftTime = clock.millis();
            ts.meshTime = 0;
            ts.meshMessageDeliveriesActive = false;
        }
    }

    /** The peer left our mesh for {@code topic}. */
    public void prune(PeerId peer, String topic) {
        TopicStats ts = topicStats(peer, topic);
        if (ts != null) {
            applyMeshFailure(topic, ts);
            ts.inMesh = false;
            ts.meshMessageDeliveriesActive = false;
        }
    }

    private void applyMeshFailure(String topic, TopicStats ts) {
        TopicScoreParams tp = params.topics().get(topic);
        if (tp != null && ts.meshMessageDeliveriesActive) {
            double deficit = meshDeliveryThreshold(topic, tp) - ts.meshMessageDeliveries;
            if (deficit > 0) {
                ts.meshFailurePenalty += deficit * deficit;
            }
        }
    }

    /** P3's threshold: the configured one, bounded by the topic's share of what actually arrived. */
    private double meshDeliveryThreshold(String topic, TopicScoreParams tp) {
        double share = tp.meshMessageDeliveriesTopicShare();
        if (share <= 0) {
            return tp.meshMessageDeliveriesThreshold();
        }
        return Math.min(tp.meshMessageDeliveriesThreshold(), share * topicDeliveries.getOrDefault(topic, 0.0));
    }

    /** The current P3 threshold of {@code topic} (tests, metrics). */
    public double meshDeliveryThreshold(String topic) {
        TopicScoreParams tp = params.topics().get(topic);
        return tp == null ? 0 : meshDeliveryThreshold(topic, tp);
    }

    /** Adds to P7 (broken promises, GRAFT during backoff, …). */
    public void addPenalty(PeerId peer, int count) {
        PeerStats ps = stats.get(peer);
        if (ps != null) {
            ps.behaviourPenalty += count;
        }
    }

    /** A new message arrived from {@code peer} and is being validated. */
    public void validateMessage(PeerId peer, MessageId id) {
        record(id); // the first sender is credited on delivery; later senders are added by duplicateMessage
    }

    /** A message first received from {@code peer} was accepted. */
    public void deliverMessage(PeerId peer, MessageId id, String topic) {
        long now = clock.millis();
        DeliveryRecord r = record(id);
        if (r.status != Status.UNKNOWN) {
            return;
        }
        r.status = Status.VALID;
        r.validated = now;
        TopicStats ts = topicStats(peer, topic);
        TopicScoreParams tp = params.topics().get(topic);
        if (tp != null) {
            topicDeliveries.merge(topic, 1.0, Double::sum);
        }
        if (ts != null && tp != null) {
            ts.firstMessageDeliveries = Math.min(tp.firstMessageDeliveriesCap(), ts.firstMessageDeliveries + 1);
            if (ts.inMesh) {
                ts.meshMessageDeliveries = Math.min(tp.meshMessageDeliveriesCap(), ts.meshMessageDeliveries + 1);
            }
        }
        for (PeerId p : r.peers) {
            if (!p.equals(peer)) {
                markDuplicateDelivery(p, topic, now, r.validated);
            }
        }
    }

    /** A message from {@code peer} was invalid (bad signature, over the cap, or rejected by validation). */
    public void rejectMessage(PeerId peer, MessageId id, String topic, boolean byValidation) {
        if (!byValidation || id == null) {
            markInvalid(peer, topic);
            return;
        }
        DeliveryRecord r = record(id);
        if (r.status != Status.UNKNOWN) {
            return;
        }
        r.status = Status.INVALID;
        markInvalid(peer, topic);
        for (PeerId p : r.peers) {
            markInvalid(p, topic);
        }
    }

    /** Validation of a message from {@code peer} ended with IGNORE. */
    public void ignoreMessage(PeerId peer, MessageId id) {
        DeliveryRecord r = record(id);
        if (r.status == Status.UNKNOWN) {
            r.status = Status.IGNORED;
        }
    }

    /** A message already seen arrived again from {@code peer}, now. */
    public void duplicateMessage(PeerId peer, MessageId id, String topic) {
        duplicateMessage(peer, id, topic, clock.millis());
    }

    /**
     * A message already seen arrived again from {@code peer}, read from its stream at
     * {@code receivedAt} (clock millis). The P3 window is judged at that time, not when the copy
     * was handled: on a node behind on its queue, a copy that arrived right after the first one
     * would otherwise fall outside the window and count against an honest mesh peer.
     */
    public void duplicateMessage(PeerId peer, MessageId id, String topic, long receivedAt) {
        DeliveryRecord r = record(id);
        if (!r.peers.add(peer)) {
            return;
        }
        switch (r.status) {
            case UNKNOWN, IGNORED -> {
                // credited (or not) when validation ends
            }
            case VALID -> markDuplicateDelivery(peer, topic, receivedAt, r.validated);
            case INVALID -> markInvalid(peer, topic);
        }
    }

    private void markDuplicateDelivery(PeerId peer, String topic, long now, long validated) {
        TopicStats ts = topicStats(peer, topic);
        TopicScoreParams tp = params.topics().get(topic);
        if (ts == null || tp == null || !ts.inMesh) {
            return;
        }
        if (validated != 0 && now - validated > tp.meshMessageDeliveriesWindow().toMillis()) {
            return;
        }
        ts.meshMessageDeliveries = Math.min(tp.meshMessageDeliveriesCap(), ts.meshMessageDeliveries + 1);
    }

    private void markInvalid(PeerId peer, String topic) {
        TopicStats ts = topicStats(peer, topic);
        if (ts != null) {
            ts.invalidMessageDeliveries += 1;
        }
    }

    private DeliveryRecord record(MessageId id) {
        long now = clock.millis();
        Iterator<DeliveryRecord> it = deliveries.values().iterator();
        while (it.hasNext() && now - it.next().firstSeen > deliveryRecordTtl.toMillis()) {
            it.remove();
        }
        return deliveries.computeIfAbsent(id, k -> new DeliveryRecord(now));
    }

    /** Stats for a scored topic of a known peer, else null. */
    private TopicStats topicStats(PeerId peer, String topic) {
        PeerStats ps = stats.get(peer);
        if (ps == null || !params.topics().containsKey(topic)) {
            return null;
        }
        return ps.topics.computeIfAbsent(topic, t -> new TopicStats());
    }

    /** Decays counters and drops expired peers if a decay interval has passed since the last time. */
    public void refreshIfDue() {
        long now = clock.millis();
        long interval = params.decayInterval().toMillis();
        while (now - lastDecay >= interval) {
            lastDecay += interval;
            refresh(now);
        }
    }

    private void refresh(long now) {
        topicDeliveries.replaceAll((topic, n) -> decay(n, params.topics().get(topic).meshMessageDeliveriesDecay()));
        topicDeliveries.values().removeIf(n -> n == 0);
        Iterator<Map.Entry<PeerId, PeerStats>> it = stats.entrySet().iterator();
        while (it.hasNext()) {
            PeerStats ps = it.next().getValue();
            if (!ps.connected) {
                if (now > ps.expire) {
                    it.remove();
                }
                continue;
            }
            for (Map.Entry<String, TopicStats> e : ps.topics.entrySet()) {
                TopicScoreParams tp = params.topics().get(e.getKey());
                TopicStats ts = e.getValue();
                ts.firstMessageDeliveries = decay(ts.firstMessageDeliveries, tp.firstMessageDeliveriesDecay());
                ts.meshMessageDeliveries = decay(ts.meshMessageDeliveries, tp.meshMessageDeliveriesDecay());
                ts.meshFailurePenalty = decay(ts.meshFailurePenalty, tp.meshFailurePenaltyDecay());
                ts.invalidMessageDeliveries = decay(ts.invalidMessageDeliveries, tp.invalidMessageDeliveriesDecay());
                if (ts.inMesh) {
                    ts.meshTime = now - ts.graftTime;
                    if (ts.meshTime > tp.meshMessageDeliveriesActivation().toMillis()) {
                        ts.meshMessageDeliveriesActive = true;
                    }
                }
            }
            ps.behaviourPenalty = decay(ps.behaviourPenalty, params.behaviourPenaltyDecay());
        }
    }

    private double decay(double v, double factor) {
        double d = v * factor;
        return d < params.decayToZero() ? 0 : d;
    }

    /** The peer's score now (0 for unknown peers). */
    public double score(PeerId peer) {
        PeerStats ps = stats.get(peer);
        return ps == null ? 0 : compute(peer, ps, null);
    }

    /** The peer's score split into its components (all zero for unknown peers). */
    public ScoreBreakdown breakdown(PeerId peer) {
        PeerStats ps = stats.get(peer);
        double[] parts = new double[ScoreBreakdown.NAMES.length];
        double total = ps == null ? 0 : compute(peer, ps, parts);
        return new ScoreBreakdown(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7], total);
    }

    /**
     * The score of a known peer; when {@code parts} is not null, also adds each weighted component
     * to it (in {@link ScoreBreakdown#NAMES} order). One code path for both, so the breakdown
     * always explains the score that the router acts on.
     */
    private double compute(PeerId peer, PeerStats ps, double[] parts) {
        double topicsScore = 0;
        long now = clock.millis();
        for (Map.Entry<String, TopicStats> e : ps.topics.entrySet()) {
            TopicScoreParams tp = params.topics().get(e.getKey());
            TopicStats ts = e.getValue();
            double w = tp.topicWeight();
            double p1 = 0;
            if (ts.inMesh) {
                double meshTime = ps.connected ? now - ts.graftTime : ts.meshTime;
                p1 = Math.min(meshTime / tp.timeInMeshQuantum().toMillis(), tp.timeInMeshCap()) * tp.timeInMeshWeight();
            }
            double p2 = ts.firstMessageDeliveries * tp.firstMessageDeliveriesWeight();
            double p3 = 0;
            if (ts.meshMessageDeliveriesActive) {
                double deficit = meshDeliveryThreshold(e.getKey(), tp) - ts.meshMessageDeliveries;
                if (deficit > 0) {
                    p3 = deficit * deficit * tp.meshMessageDeliveriesWeight();
                }
            }
            double p3b = ts.meshFailurePenalty * tp.meshFailurePenaltyWeight();
            double p4 = ts.invalidMessageDeliveries * ts.invalidMessageDeliveries * tp.invalidMessageDeliveriesWeight();
            topicsScore += (p1 + p2 + p3 + p3b + p4) * w;
            if (parts != null) {
                parts[0] += p1 * w;
                parts[1] += p2 * w;
                parts[2] += p3 * w;
                parts[3] += p3b * w;
                parts[4] += p4 * w;
            }
        }
        if (params.topicScoreCap() > 0 && topicsScore > params.topicScoreCap()) {
            topicsScore = params.topicScoreCap();
        }
        double p5 = params.appSpecificScore().applyAsDouble(peer) * params.appSpecificWeight();
        double p6 = 0;
        for (String ip : ps.ips) {
            if (params.ipColocationWhitelist().contains(ip)) {
                continue;
            }
            int n = peersByIp.getOrDefault(ip, Set.of()).size();
            if (n > params.ipColocationFactorThreshold()) {
                double surplus = n - params.ipColocationFactorThreshold();
                p6 += surplus * surplus * params.ipColocationFactorWeight();
            }
        }
        double p7 = 0;
        if (ps.behaviourPenalty > params.behaviourPenaltyThreshold()) {
            double excess = ps.behaviourPenalty - params.behaviourPenaltyThreshold();
            p7 = excess * excess * params.behaviourPenaltyWeight();
        }
        if (parts != null) {
            parts[5] += p5;
            parts[6] += p6;
            parts[7] += p7;
        }
        return topicsScore + p5 + p6 + p7;
    }

    @Override
    public String toString() {
        return "PeerScore[" + stats.size() + " peers]";
    }
}
