package io.p2pkit.core.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CryptoWarmupTest {
    private static Thread warmupThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("p2pkit-crypto-warmup")).findFirst().orElse(null);
    }

    @Test
    void theWarmUpRunsOnceOnADaemonThreadThatEnds() throws InterruptedException {
        CryptoWarmup.start();
        Thread t = warmupThread(); // none when it has already ended (a builder in this JVM started it)
        if (t != null) {
            assertTrue(t.isDaemon(), "it must not keep a JVM from exiting");
            assertTrue(t.join(Duration.ofSeconds(30)), "the warm-up did not end within 30 s");
        }
        CryptoWarmup.start();
        assertNull(warmupThread(), "a second start must not start another thread");
        Host.builder(); // and neither does a builder
        assertNull(warmupThread(), "a builder after the first must not start another thread");
    }
}
