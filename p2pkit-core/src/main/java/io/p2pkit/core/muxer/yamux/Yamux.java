package io.p2pkit.core.muxer.yamux;

import io.p2pkit.core.muxer.Muxer;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The yamux stream multiplexer, {@code /yamux/1.0.0}
 * (<a href="https://github.com/hashicorp/yamux/blob/master/spec.md">spec</a>). One instance can
 * wrap any number of connections; their keep-alive timers share one scheduler.
 */
public final class Yamux implements Muxer {
    /** The multistream protocol ID. */
    public static final String PROTOCOL_ID = "/yamux/1.0.0";

    private final YamuxConfig config;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;

    /** A muxer with {@link YamuxConfig#defaults()}. */
    public Yamux() {
        this(YamuxConfig.defaults());
    }

    /** A muxer with the given settings and its own timer scheduler. */
    public Yamux(YamuxConfig config) {
        this(config, ownScheduler(), System::nanoTime);
    }

    /**
     * A muxer with injected timers and clock, for hosts that share one scheduler and for
     * deterministic tests.
     *
     * @param scheduler runs keep-alive timers; tasks are short and never block
     * @param nanoClock monotonic time in nanoseconds, used for RTT and window auto-tuning
     */
    public Yamux(YamuxConfig config, ScheduledExecutorService scheduler, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Makes yamux with {@code config} for a host, its timers on the host's scheduler:
     * {@code HostBuilder.muxer(Yamux.factory(config))}.
     */
    public static Muxer.Factory factory(YamuxConfig config) {
        Objects.requireNonNull(config, "config");
        return scheduler -> new Yamux(config, scheduler, System::nanoTime);
    }

    /** One virtual-thread scheduler whose thread exits when no timer is pending, so no close is needed. */
    private static ScheduledExecutorService ownScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1,
                Thread.ofVirtual().name("yamux-timer-", 0).factory());
        s.setRemoveOnCancelPolicy(true);
        s.setKeepAliveTime(1, TimeUnit.SECONDS);
        s.allowCoreThreadTimeOut(true);
        return s;
    }

    /** The settings sessions are created with. */
    public YamuxConfig config() {
        return config;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public YamuxSession wrap(RawConnection connection, boolean initiator) throws IOException {
        return wrap(connection, initiator, MemoryScope.UNLIMITED);
    }

    /**
     * Starts a session whose streams' receive-window growth is charged to {@code memory}: each
     * growth reserves the increase (a refusal keeps the window as it is) and everything is released
     * when the stream ends. The initial window is not charged, as in go-yamux: the stream limits
     * bound it, and charging it made many concurrent streams on one connection fail at default
     * limits.
     */
    @Override
    public YamuxSession wrap(RawConnection connection, boolean initiator, MemoryScope memory) throws IOException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(memory, "memory");
        YamuxSession session = new YamuxSession(connection, initiator, config, scheduler, clock, memory);
        session.start();
        return session;
    }

    @Override
    public String toString() {
        return "Yamux" + config;
    }
}
