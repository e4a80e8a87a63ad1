package io.p2pkit.pubsub.score;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreFileTest {
    @Test
    void anEmptyFileGivesTheDefaultsAndScoresNoTopic() {
        ScoreFile f = ScoreFile.parse("");
        assertEquals(PeerScoreThresholds.DEFAULT, f.thresholds());
        assertTrue(f.params().topics().isEmpty());
        PeerScoreParams d = PeerScoreParams.defaults(java.util.Map.of());
        assertEquals(d.behaviourPenaltyWeight(), f.params().behaviourPenaltyWeight());
        assertEquals(d.decayInterval(), f.params().decayInterval());
        assertEquals(d.retainScore(), f.params().retainScore());
    }

    @Test
    void everyKeyIsRead() {
        ScoreFile f = ScoreFile.parse("""
                thresholds.gossip = -10
                thresholds.publish = -50
                thresholds.graylist = -80
                thresholds.accept-px = 5
                thresholds.opportunistic-graft = 2
                topic-score-cap = 30
                ip-colocation.weight = -5
                ip-colocation.threshold = 3
                ip-colocation.whitelist = 10.0.0.1, 10.0.0.2
                behaviour-penalty.weight = -15
                behaviour-penalty.threshold = 6
                behaviour-penalty.decay = 0.8
                decay-interval = 500ms
                decay-to-zero = 0.02
                retain-score = 2m
                topic[news].rate = 10
                topic[news].weight = 0.5
                topic[news].time-in-mesh.weight = 0.02
                topic[news].time-in-mesh.quantum = 2s
                topic[news].time-in-mesh.cap = 50
                topic[news].first-message-deliveries.weight = 2
                topic[news].first-message-deliveries.decay = 0.7
                topic[news].first-message-deliveries.cap = 30
                topic[news].mesh-message-deliveries.weight = -3
                topic[news].mesh-message-deliveries.decay = 0.6
                topic[news].mesh-message-deliveries.cap = 40
                topic[news].mesh-message-deliveries.threshold = 8
                topic[news].mesh-message-deliveries.window = 20ms
                topic[news].mesh-message-deliveries.activation = PT1M
                topic[news].mesh-message-deliveries.topic-share = 0
                topic[news].mesh-failure-penalty.weight = -4
                topic[news].mesh-failure-penalty.decay = 0.4
                topic[news].invalid-message-deliveries.weight = -200
                topic[news].invalid-message-deliveries.decay = 0.2
                topic[chat/2].rate = 1
                """);
        assertEquals(new PeerScoreThresholds(-10, -50, -80, 5, 2), f.thresholds());
        PeerScoreParams p = f.params();
        assertEquals(30, p.topicScoreCap());
        assertEquals(-5, p.ipColocationFactorWeight());
        assertEquals(3, p.ipColocationFactorThreshold());
        assertEquals(Set.of("10.0.0.1", "10.0.0.2"), p.ipColocationWhitelist());
        assertEquals(-15, p.behaviourPenaltyWeight());
        assertEquals(6, p.behaviourPenaltyThreshold());
        assertEquals(0.8, p.behaviourPenaltyDecay());
        assertEquals(Duration.ofMillis(500), p.decayInterval());
        assertEquals(0.02, p.decayToZero());
        assertEquals(Duration.ofMinutes(2), p.retainScore());
        assertEquals(new TopicScoreParams(0.5, 0.02, Duration.ofSeconds(2), 50, 2, 0.7, 30, -3, 0.6, 40, 8,
                Duration.ofMillis(20), Duration.ofMinutes(1), -4, 0.4, -200, 0.2, 0), p.topics().get("news"));
        assertEquals(TopicScoreParams.forRate(1), p.topics().get("chat/2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "nonsense = 1",
            "thresholds.gossip = lots",
            "thresholds.gossip = 5",
            "thresholds.publish = NaN",
            "behaviour-penalty.decay = 1.5",
            "ip-colocation.threshold = -1",
            "ip-colocation.weight = 3",
            "decay-interval = 10",
            "decay-interval = -1s",
            "retain-score = 99999999999999999h",
            "topic[].rate = 1",
            "topic[news]rate = 1",
            "topic[news].rate = 0",
            "topic[news].colour = blue",
            "topic[news].mesh-message-deliveries.weight = 1",
            "topic[news].mesh-message-deliveries.topic-share = 2",
            "topic[news].time-in-mesh.quantum = 0s",
            "\\u12"})
    void badLinesAreRejectedByName(String line) {
        DecodeException e = assertThrows(DecodeException.class, () -> ScoreFile.parse(line));
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }

    @Test
    void tooManyTopicsAreRefused() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i <= ScoreFile.MAX_TOPICS; i++) {
            b.append("topic[t").append(i).append("].rate = 1\n");
        }
        assertThrows(DecodeException.class, () -> ScoreFile.parse(b.toString()));
    }
}
