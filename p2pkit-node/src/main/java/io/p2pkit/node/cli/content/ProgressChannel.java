package io.p2pkit.node.cli.content;

import io.p2pkit.node.cli.ProgressBar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * A channel that a command writes a file's bytes to (stdout, a file being written): it hands them
 * on as they are, with no copy, and tells the progress bar and the caller's count how many went.
 * Closing it leaves the channel under it open: its owner closes that.
 */
public final class ProgressChannel implements WritableByteChannel {
    private final WritableByteChannel out;
    private final ProgressBar bar;
    private final LongConsumer counted;
    private final UnaryOperator<IOException> failure;

    /**
     * @param out     where the bytes go
     * @param bar     the bar that shows them
     * @param counted told how many bytes each write took
     * @param failure what a failed write reports (for example stdout's reader gone away)
     */
    public ProgressChannel(WritableByteChannel out, ProgressBar bar, LongConsumer counted, UnaryOperator<IOException> failure) {
        this.out = Objects.requireNonNull(out, "out");
        this.bar = Objects.requireNonNull(bar, "bar");
        this.counted = Objects.requireNonNull(counted, "counted");
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n;
        try {
            n = out.write(src);
        } catch (IOException e) {
            throw failure.apply(e);
        }
        bar.add(n);
        counted.accept(n);
        return n;
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() {
        // the channel under it is its owner's to close
    }
}
