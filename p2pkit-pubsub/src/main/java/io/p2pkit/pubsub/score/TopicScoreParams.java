package io.p2pkit.pubsub.score;

import java.time.Duration;

/**
 * The per-topic part of the v1.1 peer score: P1 time in mesh, P2 first deliveries, P3 mesh
 * delivery rate, P3b mesh failure penalty, P4 invalid messages. Weights of P3, P3b and P4 must
 * be negative, P1 and P2 positive, as the spec requires. Decays are factors applied every
 * {@link PeerScoreParams#decayInterval()}.
 *
 * <p>{@code meshMessageDeliveriesTopicShare} bounds the P3 threshold by the traffic the topic
 * actually carried: a mesh peer is expected to deliver at most that share of the (equally decayed)
 * count of messages this node received in the topic. In a quiet topic every mesh peer delivers
 * nothing, and go's absolute threshold then penalises every honest peer at once (pruned, below
 * the gossip threshold, gossip stops); with the share a silent peer in a busy topic is still
 * penalised in full. 0 restores go's absolute threshold. The default share is below 1/D_hi: an
 * honest mesh peer is only sure to be credited with the messages it delivers first (about
 * 1/|mesh| of the traffic), since its duplicates count only within the window, which on slow links
 * or a busy node they miss.
 */
public record TopicScoreParams(double topicWeight,
                               double timeInMeshWeight, Duration timeInMeshQuantum, double timeInMeshCap,
                               double firstMessageDeliveriesWeight, double firstMessageDeliveriesDecay,
                               double firstMessageDeliveriesCap,
                               double meshMessageDeliveriesWeight, double meshMessageDeliveriesDecay,
                               double meshMessageDeliveriesCap, double meshMessageDeliveriesThreshold,
                               Duration meshMessageDeliveriesWindow, Duration meshMessageDeliveriesActivation,
                               double meshFailurePenaltyWeight, double meshFailurePenaltyDecay,
                               double invalidMessageDeliveriesWeight, double invalidMessageDeliveriesDecay,
                               double meshMessageDeliveriesTopicShare) {
    /** The share of the topic's traffic a mesh peer is expected to deliver, unless given. */
    public static final double DEFAULT_TOPIC_SHARE = 0.05;

    public TopicScoreParams {
        if (topicWeight < 0 || timeInMeshWeight < 0 || firstMessageDeliveriesWeight < 0
                || meshMessageDeliveriesWeight > 0 || meshFailurePenaltyWeight > 0 || invalidMessageDeliveriesWeight > 0) {
            throw new IllegalArgumentException("topic score weights have the wrong sign");
        }
        if (!(meshMessageDeliveriesTopicShare >= 0 && meshMessageDeliveriesTopicShare <= 1)) {
            throw new IllegalArgumentException("the topic share of mesh deliveries must be in [0, 1]");
        }
        if (timeInMeshQuantum.isZero() || timeInMeshQuantum.isNegative()) {
            throw new IllegalArgumentException("time in mesh quantum must be positive");
        }
        for (double d : new double[]{firstMessageDeliveriesDecay, meshMessageDeliveriesDecay, meshFailurePenaltyDecay,
                invalidMessageDeliveriesDecay}) {
            if (d <= 0 || d >= 1) {
                throw new IllegalArgumentException("decay factors must be in (0, 1)");
            }
        }
    }

    /** Parameters with the {@link #DEFAULT_TOPIC_SHARE default topic share} of P3. */
    public TopicScoreParams(double topicWeight,
                            double timeInMeshWeight, Duration timeInMeshQuantum, double timeInMeshCap,
                            double firstMessageDeliveriesWeight, double firstMessageDeliveriesDecay,
                            double firstMessageDeliveriesCap,
                            double meshMessageDeliveriesWeight, double meshMessageDeliveriesDecay,
                            double meshMessageDeliveriesCap, double meshMessageDeliveriesThreshold,
                            Duration meshMessageDeliveriesWindow, Duration meshMessageDeliveriesActivation,
                            double meshFailurePenaltyWeight, double meshFailurePenaltyDecay,
                            double invalidMessageDeliveriesWeight, double invalidMessageDeliveriesDecay) {
        this(topicWeight, timeInMeshWeight, timeInMeshQuantum, timeInMeshCap, firstMessageDeliveriesWeight,
                firstMessageDeliveriesDecay, firstMessageDeliveriesCap, meshMessageDeliveriesWeight,
                meshMessageDeliveriesDecay, meshMessageDeliveriesCap, meshMessageDeliveriesThreshold,
                meshMessageDeliveriesWindow, meshMessageDeliveriesActivation, meshFailurePenaltyWeight,
                meshFailurePenaltyDecay, invalidMessageDeliveriesWeight, invalidMessageDeliveriesDecay,
                DEFAULT_TOPIC_SHARE);
    }

    /** These parameters with another topic share for P3 (0: go's absolute threshold). */
    public TopicScoreParams withMeshMessageDeliveriesTopicShare(double share) {
        return new TopicScoreParams(topicWeight, timeInMeshWeight, timeInMeshQuantum, timeInMeshCap,
                firstMessageDeliveriesWeight, firstMessageDeliveriesDecay, firstMessageDeliveriesCap,
                meshMessageDeliveriesWeight, meshMessageDeliveriesDecay, meshMessageDeliveriesCap,
                meshMessageDeliveriesThreshold, meshMessageDeliveriesWindow, meshMessageDeliveriesActivation,
                meshFailurePenaltyWeight, meshFailurePenaltyDecay, invalidMessageDeliveriesWeight,
                invalidMessageDeliveriesDecay, share);
    }

    /**
     * Reasonable parameters for a topic with about {@code messagesPerSecond} messages: P1 up to
     * 10, P2 up to 20, P3 penalising a mesh peer that delivers less than a tenth of the traffic
     * after 30 s, P4 heavily penalising invalid messages.
     */
    public static TopicScoreParams forRate(double messagesPerSecond) {
        double threshold = Math.max(1, messagesPerSecond * 0.1 * 10);
        return new TopicScoreParams(1.0,
                0.01, Duration.ofSeconds(1), 1000,
                1.0, 0.5, 20,
                -1.0, 0.5, threshold * 4, threshold, Duration.ofMillis(10), Duration.ofSeconds(30),
                -1.0, 0.5,
                -100.0, 0.3);
    }
}
