package io.p2pkit.core.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A reliable, ordered, bidirectional byte pipe: a TCP socket before the security handshake,
 * or a secured connection after it. Reads and writes block; call them from virtual threads.
 * One thread may read while another writes.
 */
public interface RawConnection extends Closeable {
    /** The bytes arriving from the remote side; ends when the remote closes its write side. */
    InputStream in();

    /** The bytes going to the remote side. Flush to send what was written. */
    OutputStream out();

    /** Half-closes: the remote reads end of stream; reading from this side goes on. */
    void closeWrite() throws IOException;

    /** Closes both directions and releases the underlying socket. Idempotent. */
    @Override
    void close() throws IOException;
}
