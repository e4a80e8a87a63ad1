package io.p2pkit.core.security.noise;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.transport.memory.MemoryConnection;
import io.p2pkit.testing.Await;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

class NoiseResponderFuzzTest {
    private static final NoiseTransport LISTENER =
            new NoiseTransport(PrivateKey.generateEd25519(), List.of("/yamux/1.0.0"));

    /**
     * A listener fed arbitrary bytes as handshake messages 1 and 3 (framed, or as a raw byte
     * stream) must end in a HandshakeException and nothing else.
     */
    @FuzzTest(maxDuration = "30s")
    void respond(FuzzedDataProvider data) throws Exception {
        byte[] stream;
        if (data.consumeBoolean()) {
            byte[] msg1 = data.consumeBytes(data.consumeInt(0, 200));
            byte[] msg3 = data.consumeRemainingAsBytes();
            stream = new byte[4 + msg1.length + msg3.length];
            frame(msg1, stream, 0);
            frame(msg3, stream, 2 + msg1.length);
        } else {
            stream = data.consumeRemainingAsBytes();
        }
        MemoryConnection.Pair pair = MemoryConnection.pair(1 << 18);
        Thread feeder = Thread.ofVirtual().start(() -> {
            try {
                pair.initiator().out().write(stream);
                pair.initiator().closeWrite();
            } catch (IOException ignored) {
                // the listener gave up first
            }
        });
        try {
            LISTENER.secureInbound(pair.responder());
            fail("a handshake from random bytes was accepted");
        } catch (HandshakeException expected) {
            // the only acceptable outcome
        } finally {
            pair.closeBoth();
            Await.join(feeder);
        }
    }

    private static void frame(byte[] message, byte[] into, int at) {
        int len = Math.min(message.length, 65535);
        into[at] = (byte) (len >>> 8);
        into[at + 1] = (byte) len;
        System.arraycopy(message, 0, into, at + 2, message.length);
    }
}
