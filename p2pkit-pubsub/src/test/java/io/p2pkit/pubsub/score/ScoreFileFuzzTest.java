package io.p2pkit.pubsub.score;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScoreFileFuzzTest {
    /** Any text parses into parameters that parse again alike (by their thresholds and topics), or is rejected cleanly. */
    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ScoreFile f;
        try {
            f = ScoreFile.parse(text);
        } catch (DecodeException expected) {
            return;
        }
        ScoreFile again = ScoreFile.parse(text);
        assertEquals(f.thresholds(), again.thresholds());
        assertEquals(f.params().topics(), again.params().topics());
    }
}
