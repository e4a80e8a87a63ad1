package io.p2pkit.pubsub.simulation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

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
 * @param deliveryBy10s     the delivery ratio of the messages published in each successive 10 s
 * @param duplicatesPerMessagePerNode duplicate receptions per message per honest node
 * @param bytesPerNodePerSecond       bytes sent per honest node per second of publishing
 * @param by10s             series with a value per successive 10 s of the run, by name (virtual time only:
 *                          {@code bytesPerNodePerSecond}, honest bytes sent; {@code attackerMeshShare}, the
 *                          share of honest nodes' mesh places held by attackers at the end of each 10 s)
 * @param seconds           duration of the publishing phase
 * @param settleSeconds     how long the meshes took to form before publishing (-1: the deadline passed first)
 * @param honestScores      honest nodes' scores of their honest peers, sampled every two seconds from
 *                          the first publish on: the samples, and those below zero (pruned from meshes)
 *                          and below the gossip threshold, by the most negative component
 * @param meanMeshSize      the honest nodes' mean mesh size at the end of the run
 * @param clock             "virtual" (simulated time, {@link VirtualSimulation}) or "real" (threads
 *                          and the memory transport, {@link PubsubSimulation})
 * @param wallSeconds       how long the whole run took on the machine
 * @param counters          further counts of the run, by name (dropped sends, engine failures, events, …)
 */
public record SimulationResult(String scenario, int nodes, int attackers, int messages, double deliveryRatio,
                               double victimDelivery, double medianMillis, double p99Millis,
                               List<Double> deliveryBy10s, double duplicatesPerMessagePerNode, double bytesPerNodePerSecond,
                               Map<String, List<Double>> by10s, double seconds,
                               double settleSeconds, ScoreSamples honestScores, double meanMeshSize,
                               String clock, double wallSeconds, Map<String, Long> counters) {
    /** One JSON line. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"scenario\":\"%s\",\"nodes\":%d,\"attackers\":%d,\"messages\":%d,"
                        + "\"deliveryRatio\":%.5f,\"victimDelivery\":%.5f,\"medianMillis\":%.1f,\"p99Millis\":%.1f,\"deliveryBy10s\":%s,"
                        + "\"duplicatesPerMessagePerNode\":%.2f,\"bytesPerNodePerSecond\":%.0f,\"by10s\":%s,\"seconds\":%.1f,"
                        + "\"settleSeconds\":%.1f,\"meanMeshSize\":%.2f,\"clock\":\"%s\",\"wallSeconds\":%.1f,"
                        + "\"counters\":%s,\"honestScores\":%s}",
                scenario, nodes, attackers, messages, deliveryRatio, victimDelivery, medianMillis, p99Millis,
                list(deliveryBy10s, "%.5f"), duplicatesPerMessagePerNode, bytesPerNodePerSecond, series(), seconds, settleSeconds, meanMeshSize, clock,
                wallSeconds, countersJson(), honestScores.toJson());
    }

    private static String list(List<Double> values, String format) {
        return values.stream().map(d -> String.format(Locale.ROOT, format, d)).collect(Collectors.joining(",", "[", "]"));
    }

    private String series() {
        StringBuilder b = new StringBuilder("{");
        by10s.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v.stream().map(d -> String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.0f" : "%.4f", d))
                        .collect(Collectors.joining(",", "[", "]"))));
        return b.append('}').toString();
    }

    private String countersJson() {
        StringBuilder b = new StringBuilder("{");
        counters.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return b.append('}').toString();
    }
}
