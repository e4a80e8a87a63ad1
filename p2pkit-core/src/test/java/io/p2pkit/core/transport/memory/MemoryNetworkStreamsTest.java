package io.p2pkit.core.transport.memory;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many connections between hosts on a {@link MemoryNetwork} with per-link latency, each carrying
 * one stream after another as a DHT client does: every {@code newStream} negotiation is answered
 * and every one-byte request echoed. A regression test for the in-memory link that could leave a
 * reader waiting with no deadline for bytes that had already arrived ({@link DelayedPipeTest} is
 * the focused reproduction; this one did not hit the window in two runs without the fix, it shows
 * the whole stack stays live under the pattern where the stall was seen).
 */
class MemoryNetworkStreamsTest {
    private static final String ECHO = "/p2pkit/test/echo-byte/1.0.0";

    @Test
    void everyNegotiationIsAnsweredUnderLatency() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        // 0.5-5 µs one way, fixed per link.
        network.latency((from, to) -> Duration.ofNanos(500 + Math.floorMod(from * 31 + to * 17, 10) * 500L));
        List<Host> hosts = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Host h = Host.builder()
                        .identity(PrivateKey.generateEd25519())
                        .transport(key -> network.transport())
                        .security("plaintext")
                        .muxers("yamux")
                        .listen("/memory/0")
                        .build();
                h.setStreamHandler(ECHO, s -> {
                    int b = s.in().read();
                    s.out().write(b);
                    s.out().flush();
                    s.close();
                });
                hosts.add(h);
            }
            AtomicInteger answered = new AtomicInteger();
            int perPair = 100;
            int expected = 0;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> calls = new ArrayList<>();
                for (Host from : hosts) {
                    for (Host to : hosts) {
                        if (from == to) {
                            continue;
                        }
                        PeerInfo target = new PeerInfo(to.peerId(), to.addresses());
                        expected += perPair;
                        // One stream after the other per connection, as a DHT client does: the
                        // connection is quiet while a negotiation waits for its answer, so nothing
                        // else wakes a reader that misses it.
                        calls.add(pool.submit(() -> {
                            for (int i = 0; i < perPair; i++) {
                                int value = i & 0x7f;
                                try (Stream s = from.newStream(target, ECHO)) {
                                    s.out().write(value);
                                    s.out().flush();
                                    if (s.in().read() == value) {
                                        answered.incrementAndGet();
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (Future<?> f : calls) {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
            assertEquals(expected, answered.get());
        } finally {
            for (Host h : hosts) {
                h.close();
            }
        }
    }
}
