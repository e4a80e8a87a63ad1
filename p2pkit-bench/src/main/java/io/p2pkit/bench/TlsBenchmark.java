package io.p2pkit.bench;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.security.tls.TlsTransport;
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
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * libp2p TLS records: one write of {@code size} bytes encrypted on one end of a real
 * {@link TlsTransport} handshake, moved through an in-memory pipe and decrypted on the other.
 * Divide {@code size} by the time per operation for the throughput; with {@code -prof gc},
 * {@code gc.alloc.rate.norm / size} is the bytes allocated per byte moved.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TlsBenchmark {
    @Param({"1024", "65536"})
    public int size;

    private byte[] data;
    private byte[] received;
    private SecureConnection dialer;
    private SecureConnection listener;

    @Setup
    public void setup() throws Exception {
        data = new byte[size];
        new SplittableRandom(1).nextBytes(data);
        received = new byte[size];
        // room for a whole 64 KiB write and its record overhead, so one thread can write, then read
        MemoryConnection.Pair raw = MemoryConnection.pair(256 * 1024);
        TlsTransport a = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport b = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        CompletableFuture<SecureConnection> outbound = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                outbound.complete(a.secureOutbound(raw.initiator(), b.localPeer()));
            } catch (Exception e) {
                outbound.completeExceptionally(e);
            }
        });
        listener = b.secureInbound(raw.responder());
        try {
            dialer = outbound.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        dialer.close();
        listener.close();
    }

    /** Encrypts one write, moves it through the pipe and decrypts it on the other side. */
    @Benchmark
    public byte[] encryptDecrypt() throws IOException {
        dialer.out().write(data);
        dialer.out().flush();
        int n = listener.in().readNBytes(received, 0, size);
        if (n != size) {
            throw new IllegalStateException("short read: " + n);
        }
        return received;
    }
}
