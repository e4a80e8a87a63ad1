package io.p2pkit.node.cli.content;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Bytes to a command's stdout ({@code block get}, {@code dag export}, later {@code cat}):
 * buffered in 64 KiB, counted, and failing with an {@link IOException} once the reader has gone
 * (a {@link PrintStream} only remembers the error, and a command would otherwise write a whole
 * DAG into a closed pipe). {@link #close()} flushes but leaves stdout open.
 */
public final class StdoutStream extends OutputStream {
    private static final int BUFFER = 64 * 1024;
    private static final String CLOSED = "stdout was closed (the reading end of the pipe went away)";

    private final OutputStream buffered;
    private long count;

    /** @param out the command's stdout */
    public StdoutStream(PrintStream out) {
        this.buffered = new BufferedOutputStream(new Checked(out), BUFFER);
    }

    /** @return how many bytes have been written */
    public long count() {
        return count;
    }

    @Override
    public void write(int b) throws IOException {
        buffered.write(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        buffered.write(b, off, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        buffered.flush();
    }

    /** Flushes; stdout stays open. */
    @Override
    public void close() throws IOException {
        buffered.flush();
    }

    /**
     * @param e a write to stdout's channel failed so
     * @return the error to report: the same words as this stream's when the pipe's reader went
     *         away, otherwise {@code e} (a full disk says so)
     */
    public static IOException closedOr(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Broken pipe") ? new IOException(CLOSED, e) : e;
    }

    /** Writes through to a PrintStream and turns its remembered error into an exception. */
    private static final class Checked extends OutputStream {
        private final PrintStream out;

        Checked(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            check();
        }

        @Override
        public void flush() throws IOException {
            check();
        }

        private void check() throws IOException {
            if (out.checkError()) { // flushes too
                throw new IOException(CLOSED);
            }
        }
    }
}
