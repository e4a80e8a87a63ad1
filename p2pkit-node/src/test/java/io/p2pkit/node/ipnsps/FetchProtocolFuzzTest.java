package io.p2pkit.node.ipnsps;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The decoders of {@code /libp2p/fetch/0.0.1}'s two messages, fed any bytes a peer could send. */
class FetchProtocolFuzzTest {
    /** A request decodes to a key that encodes back to the same key, or is refused with a DecodeException. */
    @FuzzTest(maxDuration = "20s")
    void request(byte[] input) {
        byte[] key;
        try {
            key = FetchProtocol.decodeRequest(input);
        } catch (DecodeException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        assertArrayEquals(key, FetchProtocol.decodeRequest(FetchProtocol.encodeRequest(key)));
    }

    /** A response decodes to a status and data that survive a round trip, or is refused with a DecodeException. */
    @FuzzTest(maxDuration = "20s")
    void response(byte[] input) {
        FetchProtocol.Response r;
        try {
            r = FetchProtocol.Response.decode(input);
        } catch (DecodeException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        FetchProtocol.Response again = FetchProtocol.Response.decode(r.encode());
        assertEquals(r.status(), again.status());
        assertArrayEquals(r.data(), again.data());
    }
}
