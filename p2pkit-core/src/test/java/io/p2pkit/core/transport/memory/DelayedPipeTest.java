package io.p2pkit.core.transport.memory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Request/response over a link with latency, the pattern of a multistream negotiation: one side
 * writes and then only waits for the answer. A reader that saw the bytes not yet due, and then
 * computed its wait after they had become due, used to wait with no deadline for a write that never
 * came (the DHT simulation's rare unanswered {@code newStream}). Short delays make that window
 * wide, so every round trip here must complete.
 */
class DelayedPipeTest {
    @ParameterizedTest
    @ValueSource(longs = {50, 200, 1_000, 5_000})
    void everyAnswerArrivesAfterTheDelay(long delayNanos) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair(1024, Duration.ofNanos(delayNanos));
        int rounds = 20_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<?> echo = pool.submit(() -> {
                InputStream in = pair.responder().in();
                OutputStream out = pair.responder().out();
                for (int i = 0; i < rounds; i++) {
                    int b = in.read();
                    out.write(b);
                }
                return null;
            });
            Future<Integer> asker = pool.submit(() -> {
                InputStream in = pair.initiator().in();
                OutputStream out = pair.initiator().out();
                int answered = 0;
                for (int i = 0; i < rounds; i++) {
                    out.write(i & 0x7f);
                    if (in.read() == (i & 0x7f)) {
                        answered++;
                    }
                }
                return answered;
            });
            try {
                assertEquals(rounds, asker.get(60, TimeUnit.SECONDS));
                echo.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                pair.closeBoth();
                fail("a read waited for bytes that had already arrived (delay " + delayNanos + " ns)");
            }
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }
}
