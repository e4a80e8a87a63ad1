package io.p2pkit.pubsub.score;

import io.p2pkit.core.identity.PeerId;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The v1.1 peer score parameters: per-topic parameters (P1–P4), a cap on their sum, the
 * application-specific score (P5), IP colocation (P6), the behaviour penalty (P7), and decay.
 *
 * @param topics                      per-topic parameters; topics absent score nothing
 * @param topicScoreCap               cap on the summed topic scores (0: none)
 * @param appSpecificScore            P5, the application's opinion of a peer
 * @param appSpecificWeight           P5 weight
 * @param ipColocationFactorWeight    P6 weight (negative)
 * @param ipColocationFactorThreshold peers per IP before P6 applies
 * @param ipColocationWhitelist       IPs exempt from P6
 * @param behaviourPenaltyWeight      P7 weight (negative)
 * @param behaviourPenaltyThreshold   P7 counter value below which there is no penalty
 * @param behaviourPenaltyDecay       P7 decay factor
 * @param decayInterval               how often counters decay
 * @param decayToZero                 counters below this become 0
 * @param retainScore                 how long a disconnected peer's score is remembered
 */
public record PeerScoreParams(Map<String, TopicScoreParams> topics, double topicScoreCap,
                              ToDoubleFunction<PeerId> appSpecificScore, double appSpecificWeight,
                              double ipColocationFactorWeight, int ipColocationFactorThreshold,
                              Set<String> ipColocationWhitelist,
                              double behaviourPenaltyWeight, double behaviourPenaltyThreshold,
                              double behaviourPenaltyDecay, Duration decayInterval, double decayToZero,
                              Duration retainScore) {
    public PeerScoreParams {
        topics = Map.copyOf(topics);
        ipColocationWhitelist = Set.copyOf(ipColocationWhitelist);
        if (ipColocationFactorWeight > 0 || behaviourPenaltyWeight > 0) {
            throw new IllegalArgumentException("P6 and P7 weights must not be positive");
        }
        if (behaviourPenaltyDecay <= 0 || behaviourPenaltyDecay >= 1 || decayToZero <= 0 || decayToZero >= 1) {
            throw new IllegalArgumentException("decay factors must be in (0, 1)");
        }
        if (decayInterval.isNegative() || decayInterval.isZero()) {
            throw new IllegalArgumentException("decay interval must be positive");
        }
    }

    /**
     * Parameters with every topic in {@code topics} scored by {@code topicParams}, P6 at -10 per
     * surplus peer squared beyond 10 per IP, P7 at -10 per excess penalty squared, decay every
     * second, scores kept an hour.
     */
    public static PeerScoreParams defaults(Map<String, TopicScoreParams> topics) {
        return new PeerScoreParams(topics, 0, p -> 0, 1, -10, 10, Set.of(), -10, 0, 0.9,
                Duration.ofSeconds(1), 0.01, Duration.ofHours(1));
    }

    /** These parameters with another P5 function and weight. */
    public PeerScoreParams withAppSpecificScore(ToDoubleFunction<PeerId> f, double weight) {
        return new PeerScoreParams(topics, topicScoreCap, f, weight, ipColocationFactorWeight,
                ipColocationFactorThreshold, ipColocationWhitelist, behaviourPenaltyWeight, behaviourPenaltyThreshold,
                behaviourPenaltyDecay, decayInterval, decayToZero, retainScore);
    }

    /**
     * These parameters with another P7: {@code weight} per excess penalty squared once the decayed
     * penalty count is above {@code threshold}. A threshold above 0 (Lodestar uses 6) tolerates
     * the occasional IWANT answer that misses the follow-up time on a slow link or a busy node;
     * without it such misses push honest peers below the gossip threshold.
     */
    public PeerScoreParams withBehaviourPenalty(double weight, double threshold, double decay) {
        return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight, ipColocationFactorWeight,
                ipColocationFactorThreshold, ipColocationWhitelist, weight, threshold, decay, decayInterval, decayToZero,
                retainScore);
    }

    /** These parameters with another IP colocation threshold. */
    public PeerScoreParams withIpColocationThreshold(int threshold) {
        return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight, ipColocationFactorWeight,
                threshold, ipColocationWhitelist, behaviourPenaltyWeight, behaviourPenaltyThreshold,
                behaviourPenaltyDecay, decayInterval, decayToZero, retainScore);
    }
}
