package io.p2pkit.core.pnet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.memory.MemoryConnection;
import io.p2pkit.core.upgrader.Upgrader;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.fail;

class PnetInboundFuzzTest {
    private static final PreSharedKey KEY = PreSharedKey.of(new byte[32]);
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();
    private static final NoiseTransport NOISE = new NoiseTransport(PrivateKey.generateEd25519(), List.of(Yamux.PROTOCOL_ID));
    private static final Upgrader UPGRADER = new Upgrader(List.of(NOISE), List.of(new Yamux()), SCHEDULER,
            Duration.ofSeconds(10), Duration.ofSeconds(10), KEY);

    @AfterAll
    static void stop() {
        SCHEDULER.shutdownNow();
    }

    /**
     * Whatever a remote sends into a private-network connection (a nonce, then anything), the
     * upgrade fails with an IOException and closes that connection: never another exception.
     * (No input can pass: it would need a valid Noise handshake signed by a key of its own.)
     */
    @FuzzTest
    void inbound(byte[] input) throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair(1 << 20);
        p.initiator().out().write(input);
        p.initiator().closeWrite();
        try {
            UPGRADER.upgradeInbound(new PnetConnectionTest.Bytes(p.responder())).close();
            fail("random bytes completed a Noise handshake");
        } catch (IOException expected) {
            // a clean failure of this connection
        } finally {
            p.closeBoth();
        }
    }
}
