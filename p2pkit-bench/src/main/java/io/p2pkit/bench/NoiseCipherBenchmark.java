package io.p2pkit.bench;

import io.p2pkit.core.security.noise.CipherState;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Noise {@link CipherState} alone, without framing or I/O: sealing and opening one transport
 * message of {@code size} plaintext bytes. Setting the key again before each call resets the
 * nonce to 0, so one prepared ciphertext can be opened over and over; that costs a key object,
 * nanoseconds next to the cipher. Encryption alternates between two keys, because the JDK refuses
 * to encrypt twice in a row with the same key and nonce. Compare with {@link NoiseBenchmark} for the framing's share.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class NoiseCipherBenchmark {
    @Param({"64", "1024", "16384", "65519"})
    public int size;

    private final CipherState cipher = new CipherState();
    private byte[] key;
    private byte[] otherKey;
    /** Starts set: the set-up encrypted with {@code key} last. */
    private boolean flip = true;
    private byte[] plaintext;
    private byte[] ciphertext;
    private byte[] out;

    @Setup
    public void setup() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        key = new byte[32];
        random.nextBytes(key);
        otherKey = new byte[32];
        random.nextBytes(otherKey);
        plaintext = new byte[size];
        random.nextBytes(plaintext);
        out = new byte[size + CipherState.TAG_LENGTH];
        ciphertext = new byte[size + CipherState.TAG_LENGTH];
        cipher.initializeKey(key);
        cipher.encryptWithAd(null, plaintext, 0, size, ciphertext, 0);
    }

    @Benchmark
    public byte[] encrypt() throws Exception {
        flip = !flip;
        cipher.initializeKey(flip ? key : otherKey);
        cipher.encryptWithAd(null, plaintext, 0, size, out, 0);
        return out;
    }

    @Benchmark
    public byte[] decrypt() throws Exception {
        cipher.initializeKey(key);
        cipher.decryptWithAd(null, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }
}
