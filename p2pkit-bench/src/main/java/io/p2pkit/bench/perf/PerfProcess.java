package io.p2pkit.bench.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One running perf program: a server that prints its addresses, or a client that prints JSON lines. */
final class PerfProcess implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PerfProcess.class.getName());

    private static final Pattern FINAL = Pattern.compile("\\{\"type\":\"final\",\"timeSeconds\":([0-9.eE+-]+),.*");
    private static final String END = "\u0000end";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ReentrantLock errLock = new ReentrantLock();
    private final StringBuilder stderr = new StringBuilder();

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
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Double> out = new ArrayList<>();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException("client timed out; stderr: " + stderr());
            }
            if (line.equals(END)) {
                break;
            }
            Matcher m = FINAL.matcher(line);
            if (m.matches()) {
                out.add(Double.parseDouble(m.group(1)));
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
