package io.p2pkit.testing.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A process a {@link NatTestbed} started inside one of its namespaces, its output (stdout and
 * stderr together) going to a log file that the test can read while it runs.
 */
public final class NetnsProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String what;

    NetnsProcess(Process process, Path log, String what) {
        this.process = process;
        this.log = log;
        this.what = what;
    }

    /** The process ({@code ip netns exec …}, which execs the command in place). */
    public Process process() {
        return process;
    }

    /** Everything it printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log file holding its output. */
    public Path log() {
        return log;
    }

    /**
     * Waits until its output contains {@code text}.
     *
     * @throws AssertionError when it exits first or the deadline passes, with what it printed
     */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive() && !output().contains(text)) {
                throw new AssertionError(what + " exited (" + process.exitValue() + ") before printing '" + text
                        + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not print '" + text + "' within " + timeout + ":\n" + output());
            }
            // polls the log file; the wait is bounded by the deadline above
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    /** Waits for it to exit and returns its status. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(what + " still runs after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Stops it (SIGTERM, then SIGKILL after five seconds). */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return what;
    }
}
