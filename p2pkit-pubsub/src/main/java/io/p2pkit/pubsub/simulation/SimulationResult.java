package io.p2pkit.pubsub.simulation;

import java.util.Locale;

/**
 * What a simulation run measured, over honest messages and honest subscribers only.
 *
 * @param scenario          the scenario
 * @param nodes             honest nodes
 * @param attackers         attacker nodes
 * @param messages          honest messages published
 * @param deliveryRatio     deliveries / (messages × honest subscribers)
 * @param victimDelivery    the eclipse victim's delivery ratio (1 when there is no victim)
 * @param medianMillis      median first-arrival latency
 * @param p99Millis         99th percentile first-arrival latency
 * @param duplicatesPerMessagePerNode duplicate receptions per message per honest node
 * @param bytesPerNodePerSecond       bytes sent per honest node per second of publishing
 * @param seconds           duration of the publishing phase
 * @param settleSeconds     how long the meshes took to form before publishing (-1: the deadline passed first)
 * @param honestScores      honest nodes' scores of their honest peers, sampled every two seconds from
 *                          the first publish on: the samples, and those below zero (pruned from meshes)
 *                          and below the gossip threshold, by the most negative component
 * @param meanMeshSize      the honest nodes' mean mesh size at the end of the run
 */
public record SimulationResult(String scenario, int nodes, int attackers, int messages, double deliveryRatio,
                               double victimDelivery, double medianMillis, double p99Millis,
                               double duplicatesPerMessagePerNode, double bytesPerNodePerSecond, double seconds,
                               double settleSeconds, ScoreSamples honestScores, double meanMeshSize) {
    /** One JSON line. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"scenario\":\"%s\",\"nodes\":%d,\"attackers\":%d,\"messages\":%d,"
                        + "\"deliveryRatio\":%.5f,\"victimDelivery\":%.5f,\"medianMillis\":%.1f,\"p99Millis\":%.1f,"
                        + "\"duplicatesPerMessagePerNode\":%.2f,\"bytesPerNodePerSecond\":%.0f,\"seconds\":%.1f,"
                        + "\"settleSeconds\":%.1f,\"meanMeshSize\":%.2f,\"honestScores\":%s}",
                scenario, nodes, attackers, messages, deliveryRatio, victimDelivery, medianMillis, p99Millis,
                duplicatesPerMessagePerNode, bytesPerNodePerSecond, seconds, settleSeconds, meanMeshSize, honestScores.toJson());
    }
}
