package io.p2pkit.core.reqres;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

class FramerFuzzTest {
    private static final PeerId PEER = PrivateKey.generateEd25519().publicKey().toPeerId();
    private static final int LIMIT = 1024;

    /** Any bytes give one message within the limit, the clean end, or a typed error; nothing else escapes. */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        for (RequestResponseConfig.Framing framing : RequestResponseConfig.Framing.values()) {
            try {
                byte[] m = Framer.read(new ByteArrayInputStream(input), framing, LIMIT, "/fuzz", PEER, "request");
                assertTrue(m == null || m.length <= LIMIT);
            } catch (RequestResponseException.TooLarge | RequestResponseException.Malformed expected) {
                // refused cleanly
            }
        }
    }
}
