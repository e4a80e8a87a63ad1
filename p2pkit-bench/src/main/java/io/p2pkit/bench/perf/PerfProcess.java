package io.p2pkit.bench.perf;

import io.p2pkit.core.logging.LazyLogger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One running perf program: a server that prints its addresses, or a client that prints JSON lines. */
final class PerfProcess implements AutoCloseable {
    private static final System.Logger LOG = LazyLogger.of(PerfProcess.class);

    private static final Pattern FINAL = Pattern.compile("\\{\"type\":\"final\",\"timeSeconds\":([0-9.eE+-]+),.*");
    private static final Pattern STREAM = Pattern.compile("\\{\"type\":\"stream\",\"timeSeconds\":([0-9.eE+-]+),.*");
    private static final String END = "\u0000end";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ReentrantLock errLock = new ReentrantLock();
    private final StringBuilder stderr = new StringBuilder();
    private final AtomicLong peakRss = new AtomicLong(-1);

    private PerfProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> pump(process.getInputStream(), lines::add, true));
        Thread.ofVirtual().start(() -> pump(process.getErrorStream(), this::appendErr, false));
    }

    static PerfProcess start(List<String> command) throws IOException {
        return new PerfProcess(new ProcessBuilder(command).start());
    }

    private void appendErr(String line) {
        errLock.lock();
        try {
            if (stderr.length() < 16_384) {
                stderr.append(line).append('\n');
            }
        } finally {
            errLock.unlock();
        }
    }

    private void pump(InputStream in, java.util.function.Consumer<String> sink, boolean markEnd) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // the process ended
            LOG.log(System.Logger.Level.DEBUG, () -> "reading a perf process output: " + e);
        } finally {
            if (markEnd) {
                lines.add(END);
            }
        }
    }

    String stderr() {
        errLock.lock();
        try {
            return stderr.toString();
        } finally {
            errLock.unlock();
        }
    }

    /** The first line starting with {@code prefix} (a server's address), within {@code timeout}. */
    String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END)) {
                throw new IOException("no line starting with " + prefix + " (" + (line == null ? "timed out" : "exited")
                        + "); stderr: " + stderr());
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Waits for a client to exit and returns the {@code timeSeconds} of each final line. */
    List<Double> finals(Duration timeout) throws IOException, InterruptedException {
        return runs(timeout).stream().map(Run::seconds).toList();
    }

    /**
     * One run of a client: its final line's seconds, and the seconds of the {@code stream} lines
     * before it (a {@code --streams} or {@code --conns} run; empty otherwise).
     */
    record Run(double seconds, List<Double> streams) {
    }

    /** Waits for a client to exit and returns its runs, one per final line. */
    List<Run> runs(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Run> out = new ArrayList<>();
        List<Double> streams = new ArrayList<>();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException("client timed out; stderr: " + stderr());
            }
            if (line.equals(END)) {
                break;
            }
            Matcher m = FINAL.matcher(line);
            Matcher st = STREAM.matcher(line);
            if (m.matches() || st.matches()) {
                // A client may exit before the next sample: read its peak while it prints.
                peakRss.accumulateAndGet(peakRss(), Math::max);
            }
            if (m.matches()) {
                out.add(new Run(Double.parseDouble(m.group(1)), List.copyOf(streams)));
                streams.clear();
            } else if (st.matches()) {
                streams.add(Double.parseDouble(st.group(1)));
            }
        }
        if (!process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IOException("client did not exit; stderr: " + stderr());
        }
        if (process.exitValue() != 0) {
            throw new IOException("client exited with " + process.exitValue() + "; stderr: " + stderr());
        }
        return out;
    }

    /**
     * The process's peak resident set size so far ({@code VmHWM} in {@code /proc/PID/status}), in
     * bytes; -1 when it cannot be read (not Linux, or the process is gone).
     */
    long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Follows the peak resident set size while the process lives (the peak of a client that exits
     * is gone with it): reads it every {@code interval}; {@link #peakRssSeen()} gives the last value.
     */
    void watchRss(Duration interval) {
        Thread.ofVirtual().start(() -> {
            try {
                while (!process.waitFor(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                    long rss = peakRss();
                    peakRss.accumulateAndGet(rss, Math::max);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The largest peak resident set size {@link #watchRss} read, in bytes; -1 before any. */
    long peakRssSeen() {
        return peakRss.get();
    }

    /** Ends the process at once, without waiting (for shutdown hooks). */
    void kill() {
        process.destroy();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
