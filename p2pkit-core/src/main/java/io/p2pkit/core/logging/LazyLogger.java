package io.p2pkit.core.logging;

import java.util.Queue;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link System.Logger} that asks {@link System#getLogger} for its logger on its first use.
 *
 * <p>The first {@code System.getLogger} of a process looks up the {@code LoggerFinder} service,
 * which opens every jar of the class path to look for one: about 12 ms of a command that runs for
 * 90 (docs/PERFORMANCE.md). A class that holds a logger for the rare failure then costs nothing
 * until it logs. Frames of {@code System.Logger} implementations are skipped when the platform
 * logger infers its caller, so records name the class that logged, not this one.
 */
public final class LazyLogger implements System.Logger {
    /** Every logger made (one per class that logs, held by its static field anyway). */
    private static final Queue<LazyLogger> MADE = new ConcurrentLinkedQueue<>();

    private final String name;
    private volatile System.Logger logger;

    private LazyLogger(String name) {
        this.name = name;
    }

    /**
     * A logger named after {@code owner}, as {@code System.getLogger(owner.getName())} is; for the
     * class's static field (every logger made is kept, for {@link #resolveAll}).
     */
    public static System.Logger of(Class<?> owner) {
        LazyLogger l = new LazyLogger(owner.getName());
        MADE.add(l);
        return l;
    }

    /**
     * Looks up every logger made so far, so that each exists in the logging backend as it would
     * after {@code System.getLogger}: for listing the loggers of the loaded classes (Kubo's
     * {@code log ls}), which the backend only knows once they were asked for.
     */
    public static void resolveAll() {
        for (LazyLogger l : MADE) {
            l.logger();
        }
    }

    private System.Logger logger() {
        System.Logger l = logger;
        if (l == null) {
            l = System.getLogger(name);
            logger = l;
        }
        return l;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return logger().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        logger().log(level, bundle, msg, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        logger().log(level, bundle, format, params);
    }
}
