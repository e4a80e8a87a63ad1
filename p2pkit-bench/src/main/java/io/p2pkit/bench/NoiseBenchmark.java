package io.p2pkit.bench;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.security.noise.NoiseConnection;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Noise transport messages: the cost of sealing a write of {@code size} bytes (to a sink, so only
 * framing and ChaCha20-Poly1305 count) and of sealing it, passing it through an in-memory pipe and
 * opening it on the other end. Both ends come from a real {@link NoiseTransport} handshake.
 * Divide {@code size} by the time per operation for the throughput.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class NoiseBenchmark {
    @Param({"64", "1024", "16384", "65536"})
    public int size;

    private byte[] data;
    private byte[] received;

    @Setup
    public void setup() {
        data = new byte[size];
        new SplittableRandom(1).nextBytes(data);
        received = new byte[size];
    }

    /**
     * A session whose dialer writes to a sink. Kept apart from {@link Piped}: after a discarded
     * frame the listener's nonce no longer matches.
     */
    @State(Scope.Benchmark)
    public static class Sunk {
        SessionPair pair;

        @Setup
        public void setup() throws Exception {
            pair = SessionPair.handshake(MemoryConnection.DEFAULT_BUFFER_BYTES);
            pair.sink.discard(true);
        }

        @TearDown
        public void tearDown() throws IOException {
            pair.close();
        }
    }

    /** A session whose frames go through the pipe to the listener. */
    @State(Scope.Benchmark)
    public static class Piped {
        SessionPair pair;

        @Setup
        public void setup() throws Exception {
            // Room for a whole 64 KiB write (two frames), so one thread can write and then read.
            pair = SessionPair.handshake(256 * 1024);
        }

        @TearDown
        public void tearDown() throws IOException {
            pair.close();
        }
    }

    /** Frames and encrypts one write, then discards the ciphertext. */
    @Benchmark
    public void encrypt(Sunk s) throws IOException {
        s.pair.dialer.out().write(data);
        s.pair.dialer.out().flush();
    }

    /** Encrypts one write, moves it through the pipe and decrypts it on the other side. */
    @Benchmark
    public byte[] encryptDecrypt(Piped p) throws IOException {
        p.pair.dialer.out().write(data);
        p.pair.dialer.out().flush();
        int n = p.pair.listener.in().readNBytes(received, 0, size);
        if (n != size) {
            throw new IllegalStateException("short read: " + n);
        }
        return received;
    }

    /** Two Noise ends over one in-memory connection, the dialer's output switchable to a sink. */
    static final class SessionPair {
        final NoiseConnection dialer;
        final NoiseConnection listener;
        final SwitchableConnection sink;

        private SessionPair(NoiseConnection dialer, NoiseConnection listener, SwitchableConnection sink) {
            this.dialer = dialer;
            this.listener = listener;
            this.sink = sink;
        }

        static SessionPair handshake(int pipeBytes) throws Exception {
            MemoryConnection.Pair raw = MemoryConnection.pair(pipeBytes);
            SwitchableConnection dialerRaw = new SwitchableConnection(raw.initiator());
            NoiseTransport a = new NoiseTransport(PrivateKey.generateEd25519(), List.of());
            NoiseTransport b = new NoiseTransport(PrivateKey.generateEd25519(), List.of());
            CompletableFuture<NoiseConnection> dialer = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    dialer.complete(a.secureOutbound(dialerRaw, b.localPeer()));
                } catch (Exception e) {
                    dialer.completeExceptionally(e);
                }
            });
            NoiseConnection listener = b.secureInbound(raw.responder());
            try {
                return new SessionPair(dialer.get(), listener, dialerRaw);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }

        void close() throws IOException {
            dialer.close();
            listener.close();
        }
    }
}
