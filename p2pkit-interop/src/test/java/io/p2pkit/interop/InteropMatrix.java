package io.p2pkit.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collects interop results and renders them as a Markdown table, printed at the end of the run and
 * written to {@code target/interop-matrix.md}.
 */
public final class InteropMatrix {
    private static final InteropMatrix SHARED = new InteropMatrix();

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Result> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** @return a new, empty matrix */
    public static InteropMatrix create() {
        return new InteropMatrix();
    }

    /** @return the matrix shared by all interop tests in this JVM */
    public static InteropMatrix shared() {
        return SHARED;
    }

    /** What happened to one case. */
    public enum Outcome {
        /** Every step succeeded. */
        PASS,
        /** A step failed. */
        FAIL,
        /** Not run, e.g. a toolchain is missing. */
        SKIP,
        /** Failed as expected: a known incompatibility, listed with its reason. */
        KNOWN_FAILURE
    }

    /**
     * One row of the matrix.
     *
     * @param dialer    who dialed
     * @param listener  who listened
     * @param transport e.g. {@code tcp}
     * @param security  e.g. {@code noise}
     * @param muxer     e.g. {@code yamux}
     * @param outcome   pass, fail or skip
     * @param reason    why it failed or was skipped; empty on a pass
     */
    public record Result(String dialer, String listener, String transport, String security, String muxer,
                         Outcome outcome, String reason) {
        /** Checks the members. */
        public Result {
            Objects.requireNonNull(dialer);
            Objects.requireNonNull(listener);
            Objects.requireNonNull(transport);
            Objects.requireNonNull(security);
            Objects.requireNonNull(muxer);
            Objects.requireNonNull(outcome);
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * Records one case.
     *
     * @param result the result
     */
    public void record(Result result) {
        lock.lock();
        try {
            results.add(result);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a line shown under the table, e.g. which toolchain is missing.
     *
     * @param note the text
     */
    public void note(String note) {
        lock.lock();
        try {
            if (!notes.contains(note)) {
                notes.add(note);
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the results recorded so far */
    public List<Result> results() {
        lock.lock();
        try {
            return List.copyOf(results);
        } finally {
            lock.unlock();
        }
    }

    /** @return the matrix as Markdown */
    public String toMarkdown() {
        List<Result> rows = new ArrayList<>(results());
        rows.sort(Comparator.comparing(Result::dialer).thenComparing(Result::listener)
                .thenComparing(Result::transport).thenComparing(Result::security).thenComparing(Result::muxer));
        StringBuilder sb = new StringBuilder("# Interop matrix\n\n")
                .append("| dialer | listener | transport | security | muxer | result | reason |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Result r : rows) {
            sb.append("| ").append(r.dialer()).append(" | ").append(r.listener()).append(" | ").append(r.transport())
                    .append(" | ").append(r.security()).append(" | ").append(r.muxer()).append(" | ")
                    .append(r.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(" | ")
                    .append(oneLine(r.reason())).append(" |\n");
        }
        long pass = rows.stream().filter(r -> r.outcome() == Outcome.PASS).count();
        long fail = rows.stream().filter(r -> r.outcome() == Outcome.FAIL).count();
        long skip = rows.stream().filter(r -> r.outcome() == Outcome.SKIP).count();
        long known = rows.stream().filter(r -> r.outcome() == Outcome.KNOWN_FAILURE).count();
        // Worded so that CI's "N passed, N failed" reader does not take it for the test summary.
        sb.append("\nTotals: pass ").append(pass).append(", fail ").append(fail).append(", known failures ")
                .append(known).append(", skipped ").append(skip).append(".\n");
        List<String> n;
        lock.lock();
        try {
            n = List.copyOf(notes);
        } finally {
            lock.unlock();
        }
        if (!n.isEmpty()) {
            sb.append('\n');
            n.forEach(line -> sb.append("- ").append(line).append('\n'));
        }
        return sb.toString();
    }

    /**
     * Prints the matrix and writes it to a file.
     *
     * @param file where to write it
     */
    public void report(Path file) {
        String md = toMarkdown();
        System.out.println(md);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    // A table cell holds one line; the first line of a failure says what went wrong.
    private static String oneLine(String s) {
        String first = s.lines().findFirst().orElse("");
        return first.replace("|", "\\|");
    }
}
