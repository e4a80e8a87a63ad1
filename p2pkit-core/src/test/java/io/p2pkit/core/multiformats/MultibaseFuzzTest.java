package io.p2pkit.core.multiformats;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MultibaseFuzzTest {
    /**
     * Any text either is rejected cleanly or decodes to bytes that re-encode to the same text,
     * up to letter case in the case-insensitive encodings.
     */
    @FuzzTest
    void decode(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        byte[] data;
        try {
            data = Multibase.decode(text);
        } catch (DecodeException expected) {
            return;
        }
        Multibase.Encoding e = Multibase.encodingOf(text);
        String again = Multibase.encode(e, data);
        switch (e) {
            case BASE16, BASE16_UPPER, BASE32, BASE32_UPPER, BASE32_PAD, BASE32_PAD_UPPER, BASE32_HEX,
                 BASE32_HEX_UPPER, BASE32_HEX_PAD, BASE32_HEX_PAD_UPPER, BASE36, BASE36_UPPER ->
                    assertEquals(text.substring(1).toLowerCase(), again.substring(1).toLowerCase());
            default -> assertEquals(text, again);
        }
        assertArrayEquals(data, Multibase.decode(again));
    }
}
