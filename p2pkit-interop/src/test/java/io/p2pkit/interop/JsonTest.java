package io.p2pkit.interop;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void readsAPeerEventLine() {
        PeerEvent e = PeerEvent.parse("{\"event\":\"identify\",\"peerId\":\"12D3KooW\",\"protocols\":[\"/ipfs/id/1.0.0\",\"/p2pkit/echo/1.0.0\"],"
                + "\"signedPeerRecord\":true,\"observedAddr\":null,\"rttMillis\":0.093,\"count\":100}");
        assertEquals("identify", e.type());
        assertEquals("12D3KooW", e.string("peerId"));
        assertEquals(List.of("/ipfs/id/1.0.0", "/p2pkit/echo/1.0.0"), e.strings("protocols"));
        assertEquals(true, e.bool("signedPeerRecord"));
        assertNull(e.string("observedAddr"));
        assertEquals(0.093, e.number("rttMillis").doubleValue());
        assertEquals(100L, e.number("count"));
    }

    @Test
    void aNodeEventWithAMultiLineMessageStaysOnOneLine() {
        String message = "cannot dial X: all 1 addresses failed\n  /ip4/11.0.0.2/tcp/4001: \"timed out\"\t\\ \u0001";
        String line = NodeEvents.json(Map.of("event", "error", "message", message));
        assertEquals(1, line.lines().count(), line);
        assertEquals(message, PeerEvent.parse(line).string("message"));
    }

    @Test
    void readsEveryValueKind() {
        Object v = Json.parse(" [ {}, [], \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\", -0, 12, -3.5e2, 1E+2, true, false, null ] ");
        assertEquals(List.of(Map.of(), List.of(), "a\"\\/\b\f\n\r\t\u00e9", 0L, 12L, -350.0, 100.0, true, false),
                ((List<?>) v).subList(0, 9));
        assertNull(((List<?>) v).get(9));
    }

    @Test
    void keepsHugeIntegersAsDoubles() {
        assertEquals(1.0e20, Json.parse("100000000000000000000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "\"abc", "\"\\x\"", "\"\\u12g4\"",
            "01", "-", "1.", "1e", "tru", "nul", "[1] 2", "{\"a\":1,\"a\":2}", "\"\u0001\"", "{\"event\":1}"})
    void rejectsMalformedText(String text) {
        assertThrows(DecodeException.class, () -> PeerEvent.parse(text));
    }

    @Test
    void capsDepthAndLength() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThrows(DecodeException.class, () -> Json.parse(deep));
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        assertThrows(DecodeException.class, () -> Json.parse("\"" + "x".repeat(Json.MAX_LENGTH) + "\""));
    }

    @Test
    void aPingRoundTripMustBeANumberWithinTheStep() {
        java.time.Duration step = java.time.Duration.ofSeconds(30);
        assertEquals(0.25, PeerEvent.parse("{\"event\":\"ping\",\"rttMillis\":0.25}").pingRoundTrip(step));
        assertEquals(0.0, PeerEvent.parse("{\"event\":\"ping\",\"rttMillis\":0}").pingRoundTrip(step));
        for (String bad : List.of("{\"event\":\"ping\"}", "{\"event\":\"ping\",\"rttMillis\":-1}",
                "{\"event\":\"ping\",\"rttMillis\":30001}", "{\"event\":\"ping\",\"rttMillis\":\"fast\"}",
                "{\"event\":\"echo\",\"rttMillis\":1}")) {
            assertThrows(AssertionError.class, () -> PeerEvent.parse(bad).pingRoundTrip(step), bad);
        }
    }
}
