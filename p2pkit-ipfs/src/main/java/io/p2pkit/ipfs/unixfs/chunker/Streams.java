package io.p2pkit.ipfs.unixfs.chunker;

import java.io.IOException;
import java.io.InputStream;

/** Reading helpers for the chunkers. */
final class Streams {
    private Streams() {
    }

    /** Reads until {@code len} bytes are in or the stream ends; returns how many were read. */
    static int readFully(InputStream in, byte[] buf, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(buf, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
