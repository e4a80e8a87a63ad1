package io.p2pkit.core.security.noise;

import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The frame layer alone, with a fixed key on both ends of an in-memory pipe. */
class NoiseFrameStreamTest {
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    /** Runs {@code task} on a virtual thread. */
    private static CompletableFuture<Void> async(IoTask task) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                task.run();
                f.complete(null);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    interface IoTask {
        void run() throws Exception;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomWritesFlushesAndReadsCarryTheSameBytes(long seed) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseFrameOutputStream out = new NoiseFrameOutputStream(pair.initiator(), MemoryScope.UNLIMITED);
        out.startTransport(new CipherState(KEY));
        NoiseFrameInputStream in = new NoiseFrameInputStream(pair.responder(), MemoryScope.UNLIMITED);
        in.startTransport(new CipherState(KEY));
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[3_000_000];
        random.nextBytes(data);
        long writerSeed = random.nextLong();
        CompletableFuture<Void> writer = async(() -> {
            SplittableRandom r = new SplittableRandom(writerSeed);
            int pos = 0;
            while (pos < data.length) {
                int n = Math.min(data.length - pos, r.nextInt(4) == 0 ? r.nextInt(300_000) : r.nextInt(2000));
                if (n == 1) {
                    out.write(data[pos]);
                } else {
                    out.write(data, pos, n);
                }
                pos += n;
                if (r.nextInt(5) == 0) {
                    out.flush();
                }
            }
            out.close();
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] chunk = new byte[200_000];
        while (true) {
            int want = random.nextInt(3) == 0 ? chunk.length : random.nextInt(1, 5000);
            int n = want == 1 ? oneByte(in, chunk) : in.read(chunk, 0, want);
            if (n < 0) {
                break;
            }
            got.write(chunk, 0, n);
        }
        writer.get(30, TimeUnit.SECONDS);
        assertArrayEquals(data, got.toByteArray());
    }

    private static int oneByte(NoiseFrameInputStream in, byte[] into) throws IOException {
        int b = in.read();
        if (b < 0) {
            return -1;
        }
        into[0] = (byte) b;
        return 1;
    }

    /** The lengths of the Noise frames in {@code wire} (each a 2-byte big-endian length, then that many bytes). */
    private static List<Integer> frameLengths(byte[] wire) {
        List<Integer> lengths = new ArrayList<>();
        int pos = 0;
        while (pos < wire.length) {
            int len = ((wire[pos] & 0xFF) << 8) | (wire[pos + 1] & 0xFF);
            lengths.add(len);
            pos += 2 + len;
        }
        return lengths;
    }

    @Test
    void aLargeWriteBecomesMaximalFramesAndFlushSendsTheRest() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair(1 << 20);
        NoiseFrameOutputStream out = new NoiseFrameOutputStream(pair.initiator(), MemoryScope.UNLIMITED);
        out.startTransport(new CipherState(KEY));
        int total = 2 * NoiseFrameOutputStream.MAX_PLAINTEXT + 10;
        out.write(new byte[total]);
        out.write(new byte[5]);
        out.flush();
        out.close();
        assertEquals(List.of(65535, 65535, 15 + 16), frameLengths(pair.responder().in().readAllBytes()));
    }

    /**
     * A muxer writes a 12-byte header, then a large payload: the header and the payload's start
     * become one full frame (one AEAD message, not two), and so does any open frame that a later
     * write completes.
     */
    @Test
    void aWriteThatCompletesTheOpenFrameIsSealedWithItAsOneFrame() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair(1 << 20);
        NoiseFrameOutputStream out = new NoiseFrameOutputStream(pair.initiator(), MemoryScope.UNLIMITED);
        out.startTransport(new CipherState(KEY));
        int max = NoiseFrameOutputStream.MAX_PLAINTEXT;
        byte[] data = new byte[max + 17];
        new SplittableRandom(9).nextBytes(data);
        out.write(new byte[12]);
        out.write(data);
        out.write(new byte[1025]);
        out.write(data);
        out.flush();
        out.close();
        byte[] wire = pair.responder().in().readAllBytes();
        List<Integer> lengths = frameLengths(wire).stream().map(len -> len - CipherState.TAG_LENGTH).toList();
        // [header + payload's start] [payload's tail 29 + 1,025 + the second payload's start] [the rest]
        assertEquals(List.of(max, max, 12 + 17 + 1025 + 17), lengths);

        MemoryConnection.Pair replay = MemoryConnection.pair(1 << 20);
        replay.initiator().out().write(wire);
        replay.initiator().closeWrite();
        NoiseFrameInputStream in = new NoiseFrameInputStream(replay.responder(), MemoryScope.UNLIMITED);
        in.startTransport(new CipherState(KEY));
        byte[] expected = new byte[12 + data.length + 1025 + data.length];
        System.arraycopy(data, 0, expected, 12, data.length);
        System.arraycopy(data, 0, expected, 12 + data.length + 1025, data.length);
        assertArrayEquals(expected, in.readAllBytes());
    }

    @Test
    void handshakeMessagesAndPipelinedTransportDataShareTheBuffer() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        CipherState sender = new CipherState(KEY);
        byte[] transport = sender.encryptWithAd(null, new byte[] {1, 2, 3});
        pair.initiator().out().write(new byte[] {0, 2, 42, 43, 0, (byte) transport.length});
        pair.initiator().out().write(transport);
        pair.initiator().closeWrite();
        NoiseFrameInputStream in = new NoiseFrameInputStream(pair.responder(), MemoryScope.UNLIMITED);
        assertArrayEquals(new byte[] {42, 43}, in.readHandshakeMessage());
        in.startTransport(new CipherState(KEY));
        assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
    }

    @Test
    void aTamperedFrameClosesTheConnectionAndStaysAnError() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        byte[] ct = new CipherState(KEY).encryptWithAd(null, new byte[] {1, 2, 3});
        ct[1] ^= 1;
        pair.initiator().out().write(new byte[] {0, (byte) ct.length});
        pair.initiator().out().write(ct);
        NoiseFrameInputStream in = new NoiseFrameInputStream(pair.responder(), MemoryScope.UNLIMITED);
        in.startTransport(new CipherState(KEY));
        assertThrows(BadTagException.class, () -> in.read(new byte[10]));
        assertThrows(BadTagException.class, in::read);
        assertThrows(IOException.class, () -> pair.initiator().out().write(1), "the connection was closed");
    }

    @Test
    void framesShorterThanATagAreRejected() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        pair.initiator().out().write(new byte[] {0, 3, 1, 2, 3});
        NoiseFrameInputStream in = new NoiseFrameInputStream(pair.responder(), MemoryScope.UNLIMITED);
        in.startTransport(new CipherState(KEY));
        assertThrows(BadTagException.class, in::read);
    }

    @Test
    void aTruncatedFrameIsAnEofErrorButACleanEndIsMinusOne() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        pair.initiator().out().write(new byte[] {0, 100, 1, 2, 3});
        pair.initiator().closeWrite();
        NoiseFrameInputStream in = new NoiseFrameInputStream(pair.responder(), MemoryScope.UNLIMITED);
        in.startTransport(new CipherState(KEY));
        assertThrows(EOFException.class, in::read);

        MemoryConnection.Pair clean = MemoryConnection.pair();
        clean.initiator().closeWrite();
        NoiseFrameInputStream in2 = new NoiseFrameInputStream(clean.responder(), MemoryScope.UNLIMITED);
        in2.startTransport(new CipherState(KEY));
        assertEquals(-1, in2.read());

        MemoryConnection.Pair half = MemoryConnection.pair();
        half.initiator().out().write(new byte[] {0});
        half.initiator().closeWrite();
        NoiseFrameInputStream in3 = new NoiseFrameInputStream(half.responder(), MemoryScope.UNLIMITED);
        assertThrows(EOFException.class, in3::readHandshakeMessage);
    }

    @Test
    void writesAfterCloseFail() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseFrameOutputStream out = new NoiseFrameOutputStream(pair.initiator(), MemoryScope.UNLIMITED);
        out.startTransport(new CipherState(KEY));
        out.write(1);
        out.close();
        assertThrows(IOException.class, () -> out.write(2));
        try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
            NoiseFrameInputStream in = new NoiseFrameInputStream(pair.responder(), MemoryScope.UNLIMITED);
            in.startTransport(new CipherState(KEY));
            assertArrayEquals(new byte[] {1}, exec.submit(() -> in.readAllBytes()).get(10, TimeUnit.SECONDS));
        }
    }
}
