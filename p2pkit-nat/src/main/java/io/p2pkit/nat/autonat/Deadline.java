package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Resets a stream when its time is up, unless closed first: every AutoNAT exchange has one. */
final class Deadline {
    private final ScheduledFuture<?> timer;

    Deadline(Host host, Stream stream, Duration timeout) {
        this.timer = host.scheduler().schedule(stream::reset, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exchange finished in time. */
    void close() {
        timer.cancel(false);
    }
}
