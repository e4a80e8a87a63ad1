package io.p2pkit.core.resource;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LimitsFileFuzzTest {
    /** Any text is either a configuration (parsing it again gives the same one) or rejected cleanly. */
    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ResourceManagerConfig base = ResourceManagerConfig.scaled(1L << 30, 1024);
        ResourceManagerConfig parsed;
        try {
            parsed = LimitsFile.parse(text, base);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(parsed, LimitsFile.parse(text, base));
    }
}
