package io.p2pkit.core.security.tls;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeMessagesFuzzTest {
    /** Bodies of valid messages of each kind, for mutations to start from. */
    private static final byte[][] VALID = {
            body(HandshakeMessages.clientHello(new byte[32], new byte[32], Tls13Handshake.SUITES, new byte[32],
                    HandshakeCrypto.VERIFIABLE_SCHEMES, List.of("/yamux/1.0.0", "libp2p"))),
            body(HandshakeMessages.serverHello(new byte[32], new byte[32], 0x1301, new byte[32])),
            body(HandshakeMessages.helloRetryRequest(new byte[32], 0x1303)),
            body(HandshakeMessages.encryptedExtensions("libp2p")),
            body(HandshakeMessages.certificateRequest(HandshakeCrypto.VERIFIABLE_SCHEMES)),
            body(HandshakeMessages.certificate(new byte[0], new byte[300])),
            body(HandshakeMessages.certificateVerify(0x0403, new byte[70])),
    };

    private static byte[] body(byte[] message) {
        return java.util.Arrays.copyOfRange(message, 4, message.length);
    }

    /**
     * Arbitrary bytes as the body of each handshake message a peer sends: every decoder either
     * returns a value or throws a {@link FatalAlert} naming a real alert, never another exception.
     */
    @FuzzTest
    void decode(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 7);
        byte[] body;
        if (data.consumeBoolean() && kind < VALID.length) {
            body = VALID[kind].clone();
            int edits = data.consumeInt(1, 8);
            for (int i = 0; i < edits && body.length > 0; i++) {
                body[data.consumeInt(0, body.length - 1)] = data.consumeByte();
            }
            if (data.consumeBoolean()) {
                body = java.util.Arrays.copyOf(body, data.consumeInt(0, body.length + 4));
            }
        } else {
            body = data.consumeRemainingAsBytes();
        }
        decodeAll(kind, body);
    }

    static void decodeAll(int kind, byte[] body) {
        try {
            switch (kind) {
                case 0 -> HandshakeMessages.decodeClientHello(body);
                case 1, 2 -> HandshakeMessages.decodeServerHello(body);
                case 3 -> HandshakeMessages.decodeEncryptedExtensions(body);
                case 4 -> HandshakeMessages.decodeCertificateRequest(body);
                case 5 -> HandshakeMessages.decodeCertificate(body);
                case 6 -> HandshakeMessages.decodeCertificateVerify(body);
                default -> HandshakeMessages.decodeFinished(body, 32);
            }
        } catch (FatalAlert expected) {
            assertTrue(expected.description() > 0 && expected.getMessage() != null, expected.toString());
        }
    }
}
