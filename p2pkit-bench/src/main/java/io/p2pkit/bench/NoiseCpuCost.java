package io.p2pkit.bench;

import io.p2pkit.core.security.noise.CipherState;
import io.p2pkit.core.security.noise.NoiseConnection;

import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Noise data path layer by layer, in CPU time of the one thread that seals and opens every
 * message, so that the figures hold on a machine shared with other work (wall-clock JMH does not
 * there). Each case moves {@code MiB} one way per round (small messages: as many operations as
 * for 64 KiB ones): the JDK's ChaCha20-Poly1305 alone on 65519-byte and 29-byte messages (the
 * latter is its fixed cost per message), its parts (encryption alone, ChaCha20 without
 * Poly1305, the XOR step), the same through {@link CipherState}, and a {@link NoiseConnection} pair
 * written the way yamux writes (a 12-byte header, then 64 KiB of data), first to a sink (the
 * sender's cost alone), then over an in-memory pipe and read back by the same thread. Rounds alternate the cases; the median is printed.
 *
 * <pre>java -cp … io.p2pkit.bench.NoiseCpuCost [rounds] [MiB]</pre>
 */
public final class NoiseCpuCost {
    private static final int FRAME = 65519;
    private static final int YAMUX_DATA = 64 * 1024;
    /** Constant, so that the JIT compiles its accesses to plain loads and stores. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private NoiseCpuCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 64) << 20;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("JDK Cipher seal + open, 65519 B", jdkCipher(FRAME));
        cases.put("JDK Cipher seal + open, 29 B", jdkCipher(29));
        cases.put("JDK Cipher seal only, 65519 B", jdkSeal("ChaCha20-Poly1305"));
        cases.put("JDK ChaCha20 without Poly1305, 65519 B", jdkSeal("ChaCha20"));
        cases.put("xor of 65519 B, 8 bytes a step", xorOnly());
        cases.put("CipherState seal + open, 65519 B", cipherState());
        cases.put("NoiseConnection yamux-like write only", noiseWriter());
        cases.put("NoiseConnection yamux-like write + read", noiseConnection());
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> perOp = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Case> c : cases.entrySet()) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                long moved = 0;
                long ops = 0;
                // small messages: as many operations as 64 KiB ones would take
                while (moved < bytes && ops < bytes / FRAME * 4) {
                    moved += c.getValue().run();
                    ops++;
                }
                double seconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                rates.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(moved / seconds / (1 << 20));
                perOp.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(seconds * 1e6 / ops);
            }
        }
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            List<Double> sorted = e.getValue().stream().sorted().toList();
            // the first rounds are the JIT's; the median of all is still past them when rounds >= 5
            List<Double> micros = perOp.get(e.getKey()).stream().sorted().toList();
            System.out.printf(Locale.ROOT, "%-42s median %5.0f MiB per CPU-second (min %.0f, max %.0f), %.2f µs CPU per operation%n",
                    e.getKey(), sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast(),
                    micros.get(micros.size() / 2));
        }
    }

    /** One operation: returns the plaintext bytes it moved through both seal and open. */
    private interface Case {
        long run() throws Exception;
    }

    private static Case jdkCipher(int size) throws Exception {
        Cipher seal = Cipher.getInstance("ChaCha20-Poly1305");
        Cipher open = Cipher.getInstance("ChaCha20-Poly1305");
        SecretKeySpec key = new SecretKeySpec(new byte[32], "ChaCha20");
        byte[] plain = new byte[size];
        byte[] sealed = new byte[size + CipherState.TAG_LENGTH];
        Nonces nonces = new Nonces();
        return () -> {
            IvParameterSpec iv = nonces.next();
            seal.init(Cipher.ENCRYPT_MODE, key, iv);
            seal.doFinal(plain, 0, size, sealed, 0);
            open.init(Cipher.DECRYPT_MODE, key, iv);
            open.doFinal(sealed, 0, sealed.length, plain, 0);
            return size;
        };
    }

    /**
     * Encryption alone with {@code algorithm}: with "ChaCha20" (the same key stream, no
     * Poly1305) the difference is the MAC's share.
     */
    private static Case jdkSeal(String algorithm) throws Exception {
        Cipher seal = Cipher.getInstance(algorithm);
        SecretKeySpec key = new SecretKeySpec(new byte[32], "ChaCha20");
        byte[] plain = new byte[FRAME];
        byte[] sealed = new byte[FRAME + CipherState.TAG_LENGTH];
        Nonces nonces = new Nonces();
        boolean aead = algorithm.equals("ChaCha20-Poly1305");
        return () -> {
            IvParameterSpec iv = nonces.next();
            if (aead) {
                seal.init(Cipher.ENCRYPT_MODE, key, iv);
            } else {
                seal.init(Cipher.ENCRYPT_MODE, key, new ChaCha20ParameterSpec(iv.getIV(), 1));
            }
            seal.doFinal(plain, 0, FRAME, sealed, 0);
            return FRAME;
        };
    }

    /**
     * The step the JDK's ChaCha20 takes after each batch of key stream: input XOR key stream,
     * 8 bytes at a time through a byte-array view (its loop has the same shape). JFR puts most
     * cipher samples here, which this figure shows to be the profiler's attribution, not the cost.
     */
    private static Case xorOnly() {
        byte[] keyStream = new byte[1024];
        byte[] in = new byte[FRAME];
        byte[] out = new byte[FRAME];
        return () -> {
            for (int start = 0; start < FRAME; start += keyStream.length) {
                int end = Math.min(FRAME, start + keyStream.length) & ~7;
                for (int i = start; i < end; i += 8) {
                    LONGS.set(out, i, (long) LONGS.get(keyStream, i - start) ^ (long) LONGS.get(in, i));
                }
            }
            return FRAME;
        };
    }

    /** Fresh 96-bit nonces, the counter in the last 8 bytes as Noise puts it. */
    private static final class Nonces {
        private final byte[] iv = new byte[12];
        private long counter;

        IvParameterSpec next() {
            long n = ++counter;
            for (int i = 0; i < 8; i++) {
                iv[4 + i] = (byte) (n >>> (8 * i));
            }
            return new IvParameterSpec(iv);
        }
    }

    private static Case cipherState() {
        byte[] key = new byte[32];
        CipherState seal = new CipherState(key);
        CipherState open = new CipherState(key);
        byte[] plain = new byte[FRAME];
        byte[] sealed = new byte[FRAME + CipherState.TAG_LENGTH];
        return () -> {
            seal.encryptWithAd(null, plain, 0, FRAME, sealed, 0);
            open.decryptWithAd(null, sealed, 0, sealed.length, plain, 0);
            return FRAME;
        };
    }

    /** The sending side alone: frames go to a sink. */
    private static Case noiseWriter() throws Exception {
        NoiseBenchmark.SessionPair pair = NoiseBenchmark.SessionPair.handshake(512 * 1024);
        pair.sink.discard(true);
        OutputStream out = pair.dialer.out();
        byte[] header = new byte[12];
        byte[] data = new byte[YAMUX_DATA];
        return () -> {
            for (int i = 0; i < 2; i++) {
                out.write(header);
                out.write(data);
            }
            out.flush();
            return 2L * YAMUX_DATA;
        };
    }

    private static Case noiseConnection() throws Exception {
        NoiseBenchmark.SessionPair pair = NoiseBenchmark.SessionPair.handshake(512 * 1024);
        OutputStream out = pair.dialer.out();
        InputStream in = pair.listener.in();
        byte[] header = new byte[12];
        byte[] data = new byte[YAMUX_DATA];
        byte[] readHeader = new byte[12];
        byte[] received = new byte[YAMUX_DATA];
        return () -> {
            // two yamux frames per flush, as a busy stream writes them
            for (int i = 0; i < 2; i++) {
                out.write(header);
                out.write(data);
            }
            out.flush();
            for (int i = 0; i < 2; i++) {
                in.readNBytes(readHeader, 0, readHeader.length);
                if (in.readNBytes(received, 0, YAMUX_DATA) != YAMUX_DATA) {
                    throw new IllegalStateException("short read");
                }
            }
            return 2L * YAMUX_DATA;
        };
    }
}
