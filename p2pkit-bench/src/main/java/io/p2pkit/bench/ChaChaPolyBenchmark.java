package io.p2pkit.bench;

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

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's ChaCha20-Poly1305 {@link Cipher} alone, at the message sizes Noise uses, in the ways
 * a caller can drive it: {@code init} per message (as a Noise cipher state must, for the new nonce)
 * or not (decryption only: the JDK refuses to encrypt twice with one key and nonce), byte arrays,
 * heap or direct {@link ByteBuffer}s, in place or into a separate output. The baseline that
 * {@link NoiseCipherBenchmark} and {@link NoiseBenchmark} are measured against: bytes per second is
 * {@code size} divided by the time per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ChaChaPolyBenchmark {
    private static final int TAG = 16;

    @Param({"1024", "16384", "65519"})
    public int size;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] iv = new byte[12];
    private long nonce;
    private byte[] plain;
    private byte[] sealed;
    private byte[] work;
    private byte[] out;
    private ByteBuffer heapIn;
    private ByteBuffer heapOut;
    private ByteBuffer directIn;
    private ByteBuffer directOut;
    private ByteBuffer heapSealed;
    private ByteBuffer directSealed;

    @Setup
    public void setup() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        byte[] k = new byte[32];
        random.nextBytes(k);
        key = new SecretKeySpec(k, "ChaCha20");
        cipher = Cipher.getInstance("ChaCha20-Poly1305");
        plain = new byte[size];
        random.nextBytes(plain);
        sealed = new byte[size + TAG];
        work = new byte[size + TAG];
        out = new byte[size + TAG];
        cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv)); // nonce 0 for the prepared message
        Cipher sealer = Cipher.getInstance("ChaCha20-Poly1305");
        sealer.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        sealer.doFinal(plain, 0, size, sealed, 0);
        nonce = 1;
        heapIn = ByteBuffer.wrap(plain.clone());
        heapOut = ByteBuffer.allocate(size + TAG);
        directIn = ByteBuffer.allocateDirect(size + TAG);
        directIn.put(plain).flip();
        directOut = ByteBuffer.allocateDirect(size + TAG);
        heapSealed = ByteBuffer.wrap(sealed.clone());
        directSealed = ByteBuffer.allocateDirect(size + TAG);
        directSealed.put(sealed).flip();
    }

    /** A fresh nonce, as a Noise sender uses per message. */
    private IvParameterSpec nextIv() {
        long n = nonce++;
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (n >>> (8 * i));
        }
        return new IvParameterSpec(iv);
    }

    /** Nonce 0, which opens the prepared message. */
    private IvParameterSpec zeroIv() {
        return new IvParameterSpec(new byte[12]);
    }

    @Benchmark
    public int initEncryptOnly() throws Exception {
        cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
        return cipher.getOutputSize(size);
    }

    @Benchmark
    public int sealArray() throws Exception {
        cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
        return cipher.doFinal(plain, 0, size, out, 0);
    }

    @Benchmark
    public int sealArrayInPlace() throws Exception {
        cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
        return cipher.doFinal(work, 0, size, work, 0);
    }

    @Benchmark
    public int sealHeapBuffer() throws Exception {
        cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
        heapIn.clear().limit(size);
        heapOut.clear();
        return cipher.doFinal(heapIn, heapOut);
    }

    @Benchmark
    public int sealDirectBuffer() throws Exception {
        cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
        directIn.clear().limit(size);
        directOut.clear();
        return cipher.doFinal(directIn, directOut);
    }

    @Benchmark
    public int openArray() throws Exception {
        cipher.init(Cipher.DECRYPT_MODE, key, zeroIv());
        return cipher.doFinal(sealed, 0, sealed.length, out, 0);
    }

    /** Decrypting may repeat without {@code init}: the engine resets itself after {@code doFinal}. */
    @Benchmark
    public int openArrayNoInit() throws Exception {
        return cipher.doFinal(sealed, 0, sealed.length, out, 0);
    }

    @Benchmark
    public int openArrayInPlace() throws Exception {
        System.arraycopy(sealed, 0, work, 0, sealed.length); // in place destroys the input
        cipher.init(Cipher.DECRYPT_MODE, key, zeroIv());
        return cipher.doFinal(work, 0, sealed.length, work, 0);
    }

    /** The copy {@link #openArrayInPlace()} pays to restore its input, for subtraction. */
    @Benchmark
    public byte[] copyOnly() {
        System.arraycopy(sealed, 0, work, 0, sealed.length);
        return work;
    }

    @Benchmark
    public int openHeapBuffer() throws Exception {
        cipher.init(Cipher.DECRYPT_MODE, key, zeroIv());
        heapSealed.clear();
        heapOut.clear();
        return cipher.doFinal(heapSealed, heapOut);
    }

    @Benchmark
    public int openDirectBuffer() throws Exception {
        cipher.init(Cipher.DECRYPT_MODE, key, zeroIv());
        directSealed.clear();
        directOut.clear();
        return cipher.doFinal(directSealed, directOut);
    }
}
