package io.p2pkit.pubsub.simulation;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.gossip.GossipRouter;
import io.p2pkit.pubsub.score.ScoreBreakdown;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Counts of honest nodes' scores of honest peers: how many were sampled, and how many were below
 * zero (a mesh peer with a negative score is pruned) and below the gossip threshold, each counted
 * under the component that contributed most negatively. Thread-safe.
 */
public final class ScoreSamples {
    private final double gossipThreshold;
    private final AtomicLong samples = new AtomicLong();
    private final Map<String, LongAdder> belowZero = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> belowGossip = new ConcurrentHashMap<>();

    /** Samples judged against {@code gossipThreshold}. */
    public ScoreSamples(double gossipThreshold) {
        this.gossipThreshold = gossipThreshold;
    }

    /** Records one score. */
    public void add(ScoreBreakdown b) {
        samples.incrementAndGet();
        if (b.total() < 0) {
            belowZero.computeIfAbsent(b.worst(), k -> new LongAdder()).increment();
        }
        if (b.total() < gossipThreshold) {
            belowGossip.computeIfAbsent(b.worst(), k -> new LongAdder()).increment();
        }
    }

    /** Records {@code router}'s score of each of its peers in {@code honest} (on the router's owner thread). */
    public void sample(GossipRouter router, Set<PeerId> honest) {
        for (PeerId p : router.peers()) {
            if (honest.contains(p)) {
                router.scoreBreakdown(p).ifPresent(this::add);
            }
        }
    }

    /** Scores sampled. */
    public long samples() {
        return samples.get();
    }

    /** Scores below zero by most negative component. */
    public Map<String, Long> belowZero() {
        return snapshot(belowZero);
    }

    /** Scores below the gossip threshold by most negative component. */
    public Map<String, Long> belowGossip() {
        return snapshot(belowGossip);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** As a JSON object. */
    public String toJson() {
        return "{\"samples\":" + samples() + ",\"belowZero\":" + json(belowZero()) + ",\"belowGossip\":"
                + json(belowGossip()) + "}";
    }

    private static String json(Map<String, Long> m) {
        return m.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    @Override
    public String toString() {
        return "ScoreSamples" + toJson();
    }
}
