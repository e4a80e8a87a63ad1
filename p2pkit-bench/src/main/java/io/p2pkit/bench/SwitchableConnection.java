package io.p2pkit.bench;

import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A raw connection whose output can be switched to a sink, so that a benchmark can measure the
 * sending side of a layer alone after its handshake went through the real pipe.
 */
final class SwitchableConnection implements RawConnection {
    private final RawConnection delegate;
    private final OutputStream out;
    private volatile boolean discard;

    SwitchableConnection(RawConnection delegate) {
        this.delegate = delegate;
        OutputStream real = delegate.out();
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                if (!discard) {
                    real.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!discard) {
                    real.write(b, off, len);
                }
            }

            @Override
            public void flush() throws IOException {
                if (!discard) {
                    real.flush();
                }
            }
        };
    }

    /** From now on, writes go to the sink ({@code true}) or to the real connection. */
    void discard(boolean on) {
        discard = on;
    }

    @Override
    public InputStream in() {
        return delegate.in();
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeWrite() throws IOException {
        delegate.closeWrite();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
