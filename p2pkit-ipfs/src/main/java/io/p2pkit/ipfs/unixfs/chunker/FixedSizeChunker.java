package io.p2pkit.ipfs.unixfs.chunker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Chunks of one size, the last one shorter: Kubo's {@code size-N}. A stream's first chunk is read
 * into a small array that grows as bytes keep coming, so a small file does not cost a whole
 * chunk's allocation; once a full chunk was seen, chunks are read straight into full-size arrays.
 */
final class FixedSizeChunker implements Chunker {
    private static final int FIRST = 16 * 1024;
    private final InputStream in;
    private final int size;
    private boolean ended;
    private boolean big;

    FixedSizeChunker(InputStream in, int size) {
        this.in = Objects.requireNonNull(in, "in");
        this.size = size;
    }

    @Override
    public byte[] next() throws IOException {
        if (ended) {
            return null;
        }
        byte[] chunk = new byte[big ? size : Math.min(size, FIRST)];
        int n = Streams.readFully(in, chunk, 0, chunk.length);
        while (n == chunk.length && chunk.length < size) {
            chunk = Arrays.copyOf(chunk, (int) Math.min(size, chunk.length * 4L));
            n += Streams.readFully(in, chunk, n, chunk.length - n);
        }
        if (n < size) {
            ended = true;
            return n == 0 ? null : n == chunk.length ? chunk : Arrays.copyOf(chunk, n);
        }
        big = true;
        return chunk;
    }
}
