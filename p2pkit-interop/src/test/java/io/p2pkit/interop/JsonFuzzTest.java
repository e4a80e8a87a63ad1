package io.p2pkit.interop;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonFuzzTest {
    /** Any text is parsed, or rejected with a DecodeException; a parsed value parses the same twice. */
    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Object first;
        try {
            first = Json.parse(text);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(first, Json.parse(text));
    }
}
