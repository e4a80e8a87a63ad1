package io.p2pkit.ipfs.unixfs.chunker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Content-defined chunks by Rabin fingerprints, as Kubo's {@code rabin-min-avg-max} chunker cuts
 * them (go-ipfs-chunker over whyrusleeping/chunker): a 16-byte window hashed modulo the
 * irreducible polynomial {@link #POLYNOMIAL}, a cut where the fingerprint's low log2(avg) bits
 * are zero once the chunk has {@code min} bytes, or at {@code max} bytes.
 *
 * <p>Two details of that implementation decide where the cuts fall and are kept: each chunk's
 * fingerprint starts from the state after sliding in one byte of value 1, and the first
 * {@code min - 16} bytes of a chunk are skipped without being hashed.
 */
final class RabinChunker implements Chunker {
    /** The polynomial Kubo uses (go-ipfs-chunker's {@code IpfsRabinPoly}). */
    static final long POLYNOMIAL = 17437180132763653L;
    private static final int WINDOW = 16;
    private static final int READ_SIZE = 64 * 1024;
    private static final Tables TABLES = new Tables(POLYNOMIAL);

    private final InputStream in;
    private final int min;
    private final int max;
    private final long mask;
    private final byte[] readBuf = new byte[READ_SIZE];
    private int readPos;
    private int readEnd;
    private boolean ended;

    private final byte[] chunk;
    private int count;
    private final byte[] window = new byte[WINDOW];
    private int wpos;
    private long digest;

    RabinChunker(InputStream in, int min, int avg, int max) {
        this.in = Objects.requireNonNull(in, "in");
        this.min = min;
        this.max = max;
        this.mask = (1L << (63 - Long.numberOfLeadingZeros(avg))) - 1;
        this.chunk = new byte[max];
    }

    @Override
    public byte[] next() throws IOException {
        count = 0;
        Arrays.fill(window, (byte) 0);
        wpos = 0;
        digest = 0;
        slide((byte) 1);
        int skip = min - WINDOW;
        Tables t = TABLES;
        while (true) {
            if (readPos == readEnd) {
                if (ended || !fill()) {
                    return count == 0 ? null : Arrays.copyOf(chunk, count);
                }
            }
            if (skip > 0) {
                int n = Math.min(skip, readEnd - readPos);
                System.arraycopy(readBuf, readPos, chunk, count, n);
                readPos += n;
                count += n;
                skip -= n;
                continue;
            }
            while (readPos < readEnd) {
                byte b = readBuf[readPos++];
                chunk[count++] = b;
                // slide b in: drop the byte leaving the window, then append b modulo the polynomial
                int out = window[wpos] & 0xFF;
                window[wpos] = b;
                wpos = (wpos + 1) & (WINDOW - 1);
                long d = digest ^ t.out[out];
                int index = (int) (d >>> t.shift);
                digest = ((d << 8) | (b & 0xFF)) ^ t.mod[index];
                if (count >= min && ((digest & mask) == 0 || count >= max)) {
                    return Arrays.copyOf(chunk, count);
                }
            }
        }
    }

    private void slide(byte b) {
        int out = window[wpos] & 0xFF;
        window[wpos] = b;
        wpos = (wpos + 1) & (WINDOW - 1);
        long d = digest ^ TABLES.out[out];
        int index = (int) (d >>> TABLES.shift);
        digest = ((d << 8) | (b & 0xFF)) ^ TABLES.mod[index];
    }

    private boolean fill() throws IOException {
        int n = Streams.readFully(in, readBuf, 0, READ_SIZE);
        if (n < READ_SIZE) {
            ended = true;
        }
        readPos = 0;
        readEnd = n;
        return n > 0;
    }

    /** The tables that make sliding one byte a few XORs, computed once for the polynomial. */
    static final class Tables {
        final long[] out = new long[256];
        final long[] mod = new long[256];
        final int shift;

        Tables(long pol) {
            int degree = degree(pol);
            shift = degree - 8;
            // out[b]: the fingerprint of b followed by WINDOW-1 zero bytes; XOR removes b from the window.
            for (int b = 0; b < 256; b++) {
                long h = appendByte(0, b, pol);
                for (int i = 0; i < WINDOW - 1; i++) {
                    h = appendByte(h, 0, pol);
                }
                out[b] = h;
            }
            // mod[b]: reduces the 8 bits above the degree in one XOR (the remainder, plus b itself to cancel them).
            for (int b = 0; b < 256; b++) {
                mod[b] = mod((long) b << degree, pol) | ((long) b << degree);
            }
        }

        private static long appendByte(long hash, int b, long pol) {
            return mod((hash << 8) | b, pol);
        }

        static int degree(long p) {
            return 63 - Long.numberOfLeadingZeros(p);
        }

        /** The remainder of {@code x} divided by {@code d} over GF(2). */
        static long mod(long x, long d) {
            int dd = degree(d);
            for (int diff = degree(x) - dd; x != 0 && diff >= 0; diff = degree(x) - dd) {
                x ^= d << diff;
            }
            return x;
        }
    }
}
