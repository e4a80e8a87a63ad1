package io.p2pkit.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collects the outcome of every interop case ({@link InteropRecorder} records each test) and
 * renders them as Markdown: one table per area, then the totals. The run writes it to
 * {@code target/interop-matrix.md}; {@code scripts/interop-doc} copies it into docs/INTEROP.md.
 */
public final class InteropMatrix {
    private static final InteropMatrix SHARED = new InteropMatrix();

    private final ReentrantLock lock = new ReentrantLock();
    // by area and case: a rerun (surefire's rerunFailingTestsCount) replaces the first outcome
    private final Map<List<String>, Result> results = new LinkedHashMap<>();
    private int passedOnRerun;
    private Path reported;

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
        /** Not run, e.g. a toolchain is missing (never under CI, where that is a failure). */
        SKIP,
        /** Failed as expected: a known incompatibility, listed with its reason. */
        KNOWN_FAILURE;

        /** @return whether the case ran (passed, failed, or failed as expected) */
        public boolean executed() {
            return this != SKIP;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * One row of the matrix.
     *
     * @param area    what the case exercises, e.g. {@code connection over TCP}; one table per area
     * @param name    the case, e.g. {@code p2pkit dials go over tcp/noise/yamux}
     * @param outcome what happened
     * @param reason  why it failed or was skipped; empty on a pass
     */
    public record Result(String area, String name, Outcome outcome, String reason) {
        /** Checks the members. */
        public Result {
            Objects.requireNonNull(area);
            Objects.requireNonNull(name);
            Objects.requireNonNull(outcome);
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * Totals by outcome.
     *
     * @param pass          cases that passed, {@code passedOnRerun} of them only when run again
     * @param fail          cases that failed
     * @param knownFailures cases that failed as expected
     * @param skipped       cases that did not run
     * @param passedOnRerun cases that failed, then passed when run again (flakes, listed in the matrix)
     */
    public record Totals(int pass, int fail, int knownFailures, int skipped, int passedOnRerun) {
        /** @return the cases that ran */
        public int executed() {
            return pass + fail + knownFailures;
        }

        @Override
        public String toString() {
            // Worded so that CI's "N passed, N failed" reader does not take it for the test summary.
            return "pass " + pass + ", fail " + fail + ", known failures " + knownFailures + ", skipped " + skipped
                    + (passedOnRerun == 0 ? "" : ", passed only when run again " + passedOnRerun);
        }
    }

    /**
     * Records one case. A case recorded again is a rerun of a failure: its new outcome replaces
     * the old one, and a pass then says that the first run failed, and why. Once the matrix has
     * been reported, a rerun rewrites the report.
     *
     * @param result the result
     */
    public void record(Result result) {
        Path rewrite;
        lock.lock();
        try {
            List<String> key = List.of(result.area(), result.name());
            Result first = results.get(key);
            Result r = result;
            if (first != null && first.outcome() == Outcome.FAIL && result.outcome() == Outcome.PASS) {
                passedOnRerun++;
                r = new Result(result.area(), result.name(), Outcome.PASS,
                        "passed when run again; the first run failed: " + cell(first.reason()));
            }
            results.put(key, r);
            rewrite = first == null ? null : reported;
        } finally {
            lock.unlock();
        }
        if (rewrite != null) {
            System.out.println("interop: " + result.name() + " run again: " + result.outcome().label());
            report(rewrite);
            System.out.println("interop: " + totals());
        }
    }

    /** @return the results recorded so far */
    public List<Result> results() {
        lock.lock();
        try {
            return List.copyOf(results.values());
        } finally {
            lock.unlock();
        }
    }

    /** @return the counts of the results recorded so far */
    public Totals totals() {
        int[] n = new int[Outcome.values().length];
        int rerun;
        lock.lock();
        try {
            results.values().forEach(r -> n[r.outcome().ordinal()]++);
            rerun = passedOnRerun;
        } finally {
            lock.unlock();
        }
        return new Totals(n[Outcome.PASS.ordinal()], n[Outcome.FAIL.ordinal()], n[Outcome.KNOWN_FAILURE.ordinal()],
                n[Outcome.SKIP.ordinal()], rerun);
    }

    /** @return the matrix as Markdown: a table per area (in the order areas first appeared), then the totals */
    public String toMarkdown() {
        Map<String, List<Result>> byArea = new LinkedHashMap<>();
        for (Result r : results()) {
            byArea.computeIfAbsent(r.area(), a -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder();
        byArea.forEach((area, rows) -> {
            rows.sort(Comparator.comparing(Result::name));
            sb.append("### ").append(area).append("\n\n| case | result | note |\n|---|---|---|\n");
            for (Result r : rows) {
                sb.append("| ").append(cell(r.name())).append(" | ").append(r.outcome().label()).append(" | ")
                        .append(cell(r.reason())).append(" |\n");
            }
            sb.append('\n');
        });
        sb.append("Totals: ").append(totals()).append(".\n");
        return sb.toString();
    }

    /**
     * Prints the matrix and writes it to a file.
     *
     * @param file where to write it
     */
    public void report(Path file) {
        lock.lock();
        try {
            reported = file;
        } finally {
            lock.unlock();
        }
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
    private static String cell(String s) {
        return s.lines().findFirst().orElse("").replace("|", "\\|");
    }
}
