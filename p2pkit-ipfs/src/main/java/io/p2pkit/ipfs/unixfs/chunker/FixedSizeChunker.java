package io.p2pkit.ipfs.unixfs.chunker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Chunks of one size, the last one shorter: Kubo's {@code size-N}. When the stream's length is
 * known (a file's size), each chunk is read into an array of its expected length, so a small file
 * costs neither a whole chunk's allocation nor a copy; a stream that turns out longer is read on as
 * one of unknown length. Of unknown length, a stream's first chunk is read into a small array that
 * grows as bytes keep coming; once a full chunk was seen, chunks are read into full-size arrays.
 */
final class FixedSizeChunker implements Chunker {
    private static final int FIRST = 16 * 1024;
    private final InputStream in;
    private final int size;
    /** Bytes the stream is expected to hold after what was read, or -1 when not known. */
    private long expected;
    private boolean ended;
    private boolean big;

    FixedSizeChunker(InputStream in, int size, long expected) {
        this.in = Objects.requireNonNull(in, "in");
        this.size = size;
        this.expected = expected;
    }

    @Override
    public byte[] next() throws IOException {
        if (ended) {
            return null;
        }
        byte[] chunk = new byte[expected >= 0 ? (int) Math.min(size, expected) : big ? size : Math.min(size, FIRST)];
        int n = Streams.readFully(in, chunk, 0, chunk.length);
        while (n == chunk.length && n < size) {
            // full before a whole chunk: the stream's end, or more than expected
            int b = in.read();
            if (b < 0) {
                ended = true;
                return n == 0 ? null : chunk;
            }
            expected = -1;
            chunk = Arrays.copyOf(chunk, (int) Math.min(size, Math.max(FIRST, chunk.length * 4L)));
            chunk[n++] = (byte) b;
            n += Streams.readFully(in, chunk, n, chunk.length - n);
        }
        if (expected >= 0) {
            expected -= n;
        }
        if (n < chunk.length) {
            ended = true;
            return n == 0 ? null : Arrays.copyOf(chunk, n);
        }
        big = true;
        return chunk;
    }
}
