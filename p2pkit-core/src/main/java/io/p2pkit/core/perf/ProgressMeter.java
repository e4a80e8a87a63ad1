package io.p2pkit.core.perf;

import java.util.function.LongSupplier;

/** Counts bytes of one phase and hands a {@link PerfProgress} to the listener about once per interval. */
final class ProgressMeter {
    private final PerfProgress.Phase phase;
    private final PerfListener listener;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private long lastReport;
    private long bytesSinceReport;

    ProgressMeter(PerfProgress.Phase phase, PerfListener listener, LongSupplier nanoClock, long intervalNanos) {
        this.phase = phase;
        this.listener = listener;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
        this.lastReport = nanoClock.getAsLong();
    }

    /** Records {@code n} more bytes and reports if an interval has passed. */
    void add(long n) {
        bytesSinceReport += n;
        long now = nanoClock.getAsLong();
        long elapsed = now - lastReport;
        if (elapsed >= intervalNanos) {
            double seconds = elapsed / 1e9;
            long bytes = bytesSinceReport;
            lastReport = now;
            bytesSinceReport = 0;
            listener.progress(phase == PerfProgress.Phase.UPLOAD
                    ? new PerfProgress(phase, seconds, bytes, 0)
                    : new PerfProgress(phase, seconds, 0, bytes));
        }
    }
}
