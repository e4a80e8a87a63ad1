package io.p2pkit.pubsub.score;

import io.p2pkit.core.DecodeException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Peer score parameters and thresholds from a Java properties file (for {@code p2pkit daemon
 * --pubsub-score FILE}). Every key is optional and overrides a default:
 *
 * <pre>
 * thresholds.gossip = -10                    # defaults: PeerScoreThresholds.DEFAULT (Lodestar's)
 * thresholds.publish = -50
 * thresholds.graylist = -80
 * thresholds.accept-px = 5
 * thresholds.opportunistic-graft = 2
 * topic-score-cap = 0                        # PeerScoreParams; defaults: PeerScoreParams.defaults
 * ip-colocation.weight = -10
 * ip-colocation.threshold = 10
 * ip-colocation.whitelist = 10.0.0.1, 10.0.0.2
 * behaviour-penalty.weight = -10
 * behaviour-penalty.threshold = 6
 * behaviour-penalty.decay = 0.9
 * decay-interval = 1s
 * decay-to-zero = 0.01
 * retain-score = 1h
 * topic[news].rate = 10                      # start from TopicScoreParams.forRate(10) (default rate 1)
 * topic[news].weight = 1
 * topic[news].time-in-mesh.weight = 0.01     # .quantum .cap
 * topic[news].first-message-deliveries.weight = 1   # .decay .cap
 * topic[news].mesh-message-deliveries.weight = -1  # .decay .cap .threshold .window .activation .topic-share
 * topic[news].mesh-failure-penalty.weight = -1     # .decay
 * topic[news].invalid-message-deliveries.weight = -100  # .decay
 * </pre>
 *
 * Durations are {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT10S}).
 * Only topics named in the file are scored.
 *
 * @param params     the score parameters
 * @param thresholds the thresholds
 */
public record ScoreFile(PeerScoreParams params, PeerScoreThresholds thresholds) {
    /** Longer files are refused unread. */
    public static final int MAX_BYTES = 1 << 20;
    /** More scored topics than this are refused. */
    public static final int MAX_TOPICS = 1024;

    /** Reads {@code path}. */
    public static ScoreFile read(Path path) throws IOException {
        if (Files.size(path) > MAX_BYTES) {
            throw new DecodeException("score file", "larger than " + MAX_BYTES + " bytes");
        }
        return parse(Files.readString(path, StandardCharsets.UTF_8));
    }

    /**
     * Parses a score file.
     *
     * @throws DecodeException naming the offending key when a line is not understood or a value is out of range
     */
    public static ScoreFile parse(String text) {
        if (text.length() > MAX_BYTES) {
            throw new DecodeException("score file", "larger than " + MAX_BYTES + " characters");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new DecodeException("score file", "not a properties file: " + e.getMessage());
        }
        PeerScoreThresholds dt = PeerScoreThresholds.DEFAULT;
        double[] thr = {dt.gossip(), dt.publish(), dt.graylist(), dt.acceptPx(), dt.opportunisticGraft()};
        PeerScoreParams base = PeerScoreParams.defaults(Map.of());
        double topicScoreCap = base.topicScoreCap();
        double ipWeight = base.ipColocationFactorWeight();
        int ipThreshold = base.ipColocationFactorThreshold();
        Set<String> whitelist = base.ipColocationWhitelist();
        double bpWeight = base.behaviourPenaltyWeight();
        double bpThreshold = base.behaviourPenaltyThreshold();
        double bpDecay = base.behaviourPenaltyDecay();
        Duration decayInterval = base.decayInterval();
        double decayToZero = base.decayToZero();
        Duration retain = base.retainScore();
        Map<String, Map<String, String>> topics = new LinkedHashMap<>();
        // Sorted, so that the result does not depend on the Properties table's order.
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            String value = p.getProperty(key).trim();
            if (key.startsWith("topic[")) {
                int close = key.lastIndexOf("].");
                if (close < 6 || close + 2 >= key.length()) {
                    throw new DecodeException(key, "expected topic[NAME].PARAMETER");
                }
                String topic = key.substring(6, close);
                if (topic.isEmpty()) {
                    throw new DecodeException(key, "empty topic name");
                }
                if (!topics.containsKey(topic) && topics.size() >= MAX_TOPICS) {
                    throw new DecodeException(key, "more than " + MAX_TOPICS + " topics");
                }
                topics.computeIfAbsent(topic, t -> new LinkedHashMap<>()).put(key.substring(close + 2), value);
                continue;
            }
            switch (key) {
                case "thresholds.gossip" -> thr[0] = number(key, value);
                case "thresholds.publish" -> thr[1] = number(key, value);
                case "thresholds.graylist" -> thr[2] = number(key, value);
                case "thresholds.accept-px" -> thr[3] = number(key, value);
                case "thresholds.opportunistic-graft" -> thr[4] = number(key, value);
                case "topic-score-cap" -> topicScoreCap = number(key, value);
                case "ip-colocation.weight" -> ipWeight = number(key, value);
                case "ip-colocation.threshold" -> ipThreshold = whole(key, value);
                case "ip-colocation.whitelist" -> whitelist = Set.copyOf(items(value));
                case "behaviour-penalty.weight" -> bpWeight = number(key, value);
                case "behaviour-penalty.threshold" -> bpThreshold = number(key, value);
                case "behaviour-penalty.decay" -> bpDecay = number(key, value);
                case "decay-interval" -> decayInterval = duration(key, value);
                case "decay-to-zero" -> decayToZero = number(key, value);
                case "retain-score" -> retain = duration(key, value);
                default -> throw new DecodeException(key, "unknown score parameter");
            }
        }
        Map<String, TopicScoreParams> topicParams = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> e : topics.entrySet()) {
            topicParams.put(e.getKey(), topic(e.getKey(), e.getValue()));
        }
        try {
            PeerScoreParams params = new PeerScoreParams(topicParams, topicScoreCap, peer -> 0, 1, ipWeight,
                    ipThreshold, whitelist, bpWeight, bpThreshold, bpDecay, decayInterval, decayToZero, retain);
            return new ScoreFile(params, new PeerScoreThresholds(thr[0], thr[1], thr[2], thr[3], thr[4]));
        } catch (IllegalArgumentException e) {
            throw new DecodeException("score file", e.getMessage());
        }
    }

    private static TopicScoreParams topic(String name, Map<String, String> values) {
        String prefix = "topic[" + name + "].";
        double rate = values.containsKey("rate") ? number(prefix + "rate", values.get("rate")) : 1;
        if (rate <= 0) {
            throw new DecodeException(prefix + "rate", "must be positive");
        }
        TopicScoreParams b = TopicScoreParams.forRate(rate);
        double weight = b.topicWeight();
        double timeW = b.timeInMeshWeight();
        Duration timeQ = b.timeInMeshQuantum();
        double timeCap = b.timeInMeshCap();
        double firstW = b.firstMessageDeliveriesWeight();
        double firstDecay = b.firstMessageDeliveriesDecay();
        double firstCap = b.firstMessageDeliveriesCap();
        double meshW = b.meshMessageDeliveriesWeight();
        double meshDecay = b.meshMessageDeliveriesDecay();
        double meshCap = b.meshMessageDeliveriesCap();
        double meshThreshold = b.meshMessageDeliveriesThreshold();
        Duration meshWindow = b.meshMessageDeliveriesWindow();
        Duration meshActivation = b.meshMessageDeliveriesActivation();
        double meshShare = b.meshMessageDeliveriesTopicShare();
        double failW = b.meshFailurePenaltyWeight();
        double failDecay = b.meshFailurePenaltyDecay();
        double invalidW = b.invalidMessageDeliveriesWeight();
        double invalidDecay = b.invalidMessageDeliveriesDecay();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = prefix + e.getKey();
            String v = e.getValue();
            switch (e.getKey()) {
                case "rate" -> {
                    // read above: the base the other keys override
                }
                case "weight" -> weight = number(key, v);
                case "time-in-mesh.weight" -> timeW = number(key, v);
                case "time-in-mesh.quantum" -> timeQ = duration(key, v);
                case "time-in-mesh.cap" -> timeCap = number(key, v);
                case "first-message-deliveries.weight" -> firstW = number(key, v);
                case "first-message-deliveries.decay" -> firstDecay = number(key, v);
                case "first-message-deliveries.cap" -> firstCap = number(key, v);
                case "mesh-message-deliveries.weight" -> meshW = number(key, v);
                case "mesh-message-deliveries.decay" -> meshDecay = number(key, v);
                case "mesh-message-deliveries.cap" -> meshCap = number(key, v);
                case "mesh-message-deliveries.threshold" -> meshThreshold = number(key, v);
                case "mesh-message-deliveries.window" -> meshWindow = duration(key, v);
                case "mesh-message-deliveries.activation" -> meshActivation = duration(key, v);
                case "mesh-message-deliveries.topic-share" -> meshShare = number(key, v);
                case "mesh-failure-penalty.weight" -> failW = number(key, v);
                case "mesh-failure-penalty.decay" -> failDecay = number(key, v);
                case "invalid-message-deliveries.weight" -> invalidW = number(key, v);
                case "invalid-message-deliveries.decay" -> invalidDecay = number(key, v);
                default -> throw new DecodeException(key, "unknown topic score parameter");
            }
        }
        try {
            return new TopicScoreParams(weight, timeW, timeQ, timeCap, firstW, firstDecay, firstCap, meshW, meshDecay,
                    meshCap, meshThreshold, meshWindow, meshActivation, failW, failDecay, invalidW, invalidDecay, meshShare);
        } catch (IllegalArgumentException e) {
            throw new DecodeException(prefix.substring(0, prefix.length() - 1), e.getMessage());
        }
    }

    private static double number(String key, String value) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new DecodeException(key, "not a number: " + value);
        }
        if (!Double.isFinite(d)) {
            throw new DecodeException(key, "not a finite number: " + value);
        }
        return d;
    }

    private static int whole(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new DecodeException(key, "must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new DecodeException(key, "not a whole number: " + value);
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601; positive. */
    static Duration duration(String key, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (v.startsWith("p")) {
                d = Duration.parse(value);
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                throw new DecodeException(key, "a duration needs a unit (ms, s, m, h): " + value);
            }
        } catch (NumberFormatException | java.time.format.DateTimeParseException | ArithmeticException e) {
            throw new DecodeException(key, "not a duration: " + value);
        }
        if (d.isNegative() || d.isZero()) {
            throw new DecodeException(key, "must be positive: " + value);
        }
        return d;
    }

    private static List<String> items(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
}
