package io.p2pkit.core.perf;

/** Receives the intermediary figures of a perf run, on the thread running it. */
@FunctionalInterface
public interface PerfListener {
    /** A listener that ignores everything. */
    PerfListener NONE = p -> { };

    /** Called about once per second while bytes move; must return quickly. */
    void progress(PerfProgress progress);
}
