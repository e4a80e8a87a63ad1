package io.p2pkit.core.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuthMessageFuzzTest {
    /** Any bytes decode to a challenge within bounds or are rejected cleanly; what decodes re-encodes to itself. */
    @FuzzTest(maxDuration = "30s")
    void decodeChallenge(byte[] input) {
        AuthMessage.Challenge c;
        try {
            c = AuthMessage.Challenge.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(c, AuthMessage.Challenge.decode(c.encode()));
    }

    /** The same for proofs: keys and signatures out of bounds are rejected, never thrown otherwise. */
    @FuzzTest(maxDuration = "30s")
    void decodeProof(byte[] input) {
        AuthMessage.Proof p;
        try {
            p = AuthMessage.Proof.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(p, AuthMessage.Proof.decode(p.encode()));
    }
}
