package io.p2pkit.ipfs.unixfs.chunker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/** Chunks of one size, the last one shorter: Kubo's {@code size-N}. */
final class FixedSizeChunker implements Chunker {
    private final InputStream in;
    private final int size;
    private boolean ended;

    FixedSizeChunker(InputStream in, int size) {
        this.in = Objects.requireNonNull(in, "in");
        this.size = size;
    }

    @Override
    public byte[] next() throws IOException {
        if (ended) {
            return null;
        }
        byte[] chunk = new byte[size];
        int n = Streams.readFully(in, chunk, 0, size);
        if (n < size) {
            ended = true;
            return n == 0 ? null : Arrays.copyOf(chunk, n);
        }
        return chunk;
    }
}
