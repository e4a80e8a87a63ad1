package io.p2pkit.core.host;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/** A stream's output that tells a counter how many bytes each write took. */
final class MeteredOutputStream extends FilterOutputStream {
    private final LongConsumer counter;

    MeteredOutputStream(OutputStream out, LongConsumer counter) {
        super(out);
        this.counter = counter;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        counter.accept(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        // FilterOutputStream would write byte by byte: pass the whole array on.
        out.write(b, off, len);
        counter.accept(len);
    }
}
