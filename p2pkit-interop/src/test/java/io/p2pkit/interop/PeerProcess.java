package io.p2pkit.interop;

import io.p2pkit.core.DecodeException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running peer program speaking the interop command-line contract.
 *
 * <p>A virtual thread reads the peer's JSON lines from stdout; another keeps the tail of its stderr
 * for failure messages. {@link #awaitEvent} waits for the next event of a type with a deadline. An
 * {@code error} event from the peer, or the peer exiting, ends the wait at once with a
 * {@link PeerFailure}; a {@code command-failed} event (a peer that runs commands one after the
 * other, such as the DHT peers, could not do the one sent) with a {@link CommandFailed}.
 * {@link #close()} ends the peer and its children on every path.
 */
public final class PeerProcess implements AutoCloseable {
    private static final int STDERR_TAIL = 8192;
    private static final String COMMAND_FAILED = "command-failed";

    private final Implementation impl;
    private final Process process;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<PeerEvent> events = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private int consumed;
    private boolean stdoutClosed;
    private boolean stderrClosed;

    private PeerProcess(Implementation impl, Process process) {
        this.impl = impl;
        this.process = process;
        Thread.ofVirtual().name(impl.id() + "-stdout").start(this::readStdout);
        Thread.ofVirtual().name(impl.id() + "-stderr").start(this::readStderr);
    }

    /**
     * Starts a peer.
     *
     * @param impl  which implementation
     * @param peers the {@code peers/} directory
     * @param args  the contract flags, e.g. {@code --listen /ip4/127.0.0.1/tcp/0 --security noise ...}
     * @return the running peer
     */
    public static PeerProcess start(Implementation impl, Path peers, List<String> args) {
        List<String> cmd = new ArrayList<>(impl.command(peers));
        cmd.addAll(args);
        try {
            return new PeerProcess(impl, new ProcessBuilder(cmd).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /**
     * Starts another program of an implementation's peer directory that is not the contract peer
     * (e.g. {@code node peers/js/kad.mjs}), with the same event handling.
     *
     * @param impl    which implementation (names the toolchain in failure messages)
     * @param command the full command line
     * @return the running program
     */
    public static PeerProcess startProgram(Implementation impl, List<String> command) {
        try {
            return new PeerProcess(impl, new ProcessBuilder(command).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Writes one line (a command, for programs that read commands) to the peer's stdin.
     *
     * @param line the line, without its newline
     */
    public void sendLine(String line) {
        try {
            var in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw failure("did not take a command: " + e.getMessage());
        }
    }

    /** @return the implementation this peer runs */
    public Implementation implementation() {
        return impl;
    }

    /**
     * Waits for the next not-yet-consumed event of the given type; events of other types before it
     * are passed over (they stay in {@link #events()}).
     *
     * @param type    the event type, e.g. {@code "ready"}
     * @param timeout how long to wait at most
     * @return the event
     * @throws PeerFailure if the peer reports an error, exits, or the deadline passes first
     */
    public PeerEvent awaitEvent(String type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (int i = consumed; i < events.size(); i++) {
                    PeerEvent e = events.get(i);
                    if (e.type().equals("error")) {
                        throw failure("reported an error at step " + e.string("step") + ": " + e.string("message"));
                    }
                    if (e.type().equals(COMMAND_FAILED)) {
                        consumed = i + 1;
                        throw new CommandFailed(e.string("cmd"), e.string("message"),
                                failure("failed its command " + e.string("cmd") + " while \"" + type + "\" was awaited: "
                                        + e.string("message")).getMessage());
                    }
                    if (e.type().equals(type)) {
                        consumed = i + 1;
                        return e;
                    }
                }
                if (stdoutClosed) {
                    awaitStderrEnd(deadline);
                    throw failure("exited before printing \"" + type + "\"");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("printed no \"" + type + "\" event within " + timeout.toSeconds() + "s"
                            + " (events since the last awaited one: " + events.subList(consumed, events.size()) + ")");
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for \"" + type + "\"");
        } finally {
            lock.unlock();
        }
    }

    /** @return every event printed so far */
    public List<PeerEvent> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /** @return the last few KiB the peer wrote to stderr */
    public String stderrTail() {
        lock.lock();
        try {
            return stderr.toString();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the peer's stdin, which tells a listener to stop.
     */
    public void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The peer may have exited already; there is nothing left to tell it.
        }
    }

    /**
     * Waits for the peer to exit.
     *
     * @param timeout how long to wait at most
     * @return the exit status
     * @throws PeerFailure if it is still running at the deadline
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("did not exit within " + timeout.toSeconds() + "s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for exit");
        }
    }

    /** Kills the peer and everything it started, if still running, and waits briefly for it. */
    @Override
    public void close() {
        closeStdin();
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    // After the peer exits, its last stderr lines (usually the reason) may still be in the pipe.
    private void awaitStderrEnd(long deadline) throws InterruptedException {
        while (!stderrClosed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            changed.awaitNanos(left);
        }
    }

    private PeerFailure failure(String what) {
        return new PeerFailure(impl.id() + " peer " + what + "\n--- its stderr (tail) ---\n" + stderrTail());
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                PeerEvent e;
                try {
                    e = PeerEvent.parse(line);
                } catch (DecodeException bad) {
                    // A stray non-JSON line breaks the contract; keep it visible as an error event.
                    e = new PeerEvent("error", java.util.Map.of("event", "error", "step", "output",
                            "message", "not a JSON event line (" + bad.getMessage() + "): " + line));
                }
                lock.lock();
                try {
                    events.add(e);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // The pipe broke because the peer was killed; the end of output is signalled below.
        } finally {
            lock.lock();
            try {
                stdoutClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void readStderr() {
        byte[] buf = new byte[4096];
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                lock.lock();
                try {
                    stderr.append(s);
                    if (stderr.length() > STDERR_TAIL) {
                        stderr.delete(0, stderr.length() - STDERR_TAIL);
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // Killed peer: what was read so far is the tail we keep.
        } finally {
            lock.lock();
            try {
                stderrClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** A peer program did not do what the contract says; the message includes its stderr tail. */
    public static class PeerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what went wrong, with the peer's stderr tail
         */
        public PeerFailure(String message) {
            super(message);
        }
    }

    /** The peer said it could not do a command (its {@code command-failed} event). */
    public static final class CommandFailed extends PeerFailure {
        private static final long serialVersionUID = 1L;

        /** The command's name, as the peer echoed it. */
        public final String command;
        /** The peer's reason. */
        public final String reason;

        CommandFailed(String command, String reason, String message) {
            super(message);
            this.command = command;
            this.reason = reason;
        }
    }
}
