package io.p2pkit.bench;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.pnet.PnetConnection;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.RawConnection;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The private network layer (XSalsa20 over the raw connection, under Noise in a private network):
 * a write of {@code size} bytes encrypted to a sink ({@code encrypt}), and encrypted, passed
 * through an in-memory pipe and decrypted on the other end ({@code encryptDecrypt}). The same
 * shapes as {@link NoiseBenchmark}, so the two compare directly: what a private network adds to
 * each byte is this benchmark's time next to Noise's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PnetBenchmark {
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

    /** A private network connection whose writes go to a sink. */
    @State(Scope.Benchmark)
    public static class Sunk {
        PnetConnection out;
        MemoryConnection.Pair raw;

        @Setup
        public void setup() throws IOException {
            raw = MemoryConnection.pair();
            SwitchableConnection sink = new SwitchableConnection(raw.initiator());
            sink.discard(true);
            out = PnetConnection.protect(new Bytes(sink), PreSharedKey.generate());
        }

        @TearDown
        public void tearDown() throws IOException {
            raw.closeBoth();
        }
    }

    /** Both ends of a private network connection over an in-memory pipe. */
    @State(Scope.Benchmark)
    public static class Piped {
        PnetConnection dialer;
        PnetConnection listener;
        MemoryConnection.Pair raw;

        @Setup
        public void setup() {
            // room for a whole 64 KiB write, so one thread can write and then read
            raw = MemoryConnection.pair(256 * 1024);
            PreSharedKey key = PreSharedKey.generate();
            dialer = PnetConnection.protect(new Bytes(raw.initiator()), key);
            listener = PnetConnection.protect(new Bytes(raw.responder()), key);
        }

        @TearDown
        public void tearDown() throws IOException {
            raw.closeBoth();
        }
    }

    /** Encrypts one write, then discards the ciphertext. */
    @Benchmark
    public void encrypt(Sunk s) throws IOException {
        s.out.out().write(data);
        s.out.out().flush();
    }

    /** Encrypts one write, moves it through the pipe and decrypts it on the other side. */
    @Benchmark
    public byte[] encryptDecrypt(Piped p) throws IOException {
        p.dialer.out().write(data);
        p.dialer.out().flush();
        int n = p.listener.in().readNBytes(received, 0, size);
        if (n != size) {
            throw new IllegalStateException("short read: " + n);
        }
        return received;
    }

    /** An in-memory connection as a transport's byte stream. */
    private record Bytes(RawConnection raw) implements ByteStreamConnection {
        @Override
        public InputStream in() {
            return raw.in();
        }

        @Override
        public OutputStream out() {
            return raw.out();
        }

        @Override
        public void closeWrite() throws IOException {
            raw.closeWrite();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }

        @Override
        public Multiaddr localAddress() {
            return Multiaddr.parse("/memory/1");
        }

        @Override
        public Multiaddr remoteAddress() {
            return Multiaddr.parse("/memory/2");
        }
    }
}
