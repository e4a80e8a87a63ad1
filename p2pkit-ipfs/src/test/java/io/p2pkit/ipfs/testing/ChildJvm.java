package io.p2pkit.ipfs.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a test class's {@code main}, on this JVM's class path, whose output lines
 * the test reads with deadlines and which the test can kill as {@code kill -9} does.
 */
public final class ChildJvm implements AutoCloseable {
    /** What {@link #nextLine} returns when the child's output has ended. */
    public static final String END = "\u0000end";

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>(1 << 20);
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = Thread.ofVirtual().name("child-stdout").start(this::pump);
    }

    /** Starts {@code main} of {@code mainClass} with {@code args}; its stderr goes to {@code stderr}. */
    public static ChildJvm start(Class<?> mainClass, Path stderr, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        return new ChildJvm(p);
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.put(line);
            }
        } catch (IOException | InterruptedException e) {
            // the child is gone
        } finally {
            lines.offer(END);
        }
    }

    /**
     * The child's next output line (a last line without its newline included), or {@link #END}.
     *
     * @throws AssertionError when none comes within {@code timeout}
     */
    public String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("the child printed nothing for " + timeout);
        }
        if (line.equals(END)) {
            lines.offer(END);
        }
        return line;
    }

    /** Kills the child with SIGKILL (what {@code kill -9} sends) and waits for it to be gone. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child survived SIGKILL for 30 s");
        }
    }

    /** Every line the child printed that is still unread, once its output has ended. */
    public List<String> remainingLines(Duration timeout) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (String line = nextLine(timeout); !line.equals(END); line = nextLine(timeout)) {
            out.add(line);
        }
        return out;
    }

    /** @return the child's process ID */
    public long pid() {
        return process.pid();
    }

    /** @return the child's exit code, waiting for it to end */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child did not end within " + timeout);
        }
        return process.exitValue();
    }

    /** Kills the child if it still runs and stops reading its output. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                kill9();
            }
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
