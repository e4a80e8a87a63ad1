package io.p2pkit.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a test needs from the machine (a program, a server, a peer built from another
 * implementation) and what happens when it is missing.
 *
 * <p>Under CI ({@code CI=true} in the environment, or {@code -Dp2pkit.ci=true}) a missing
 * prerequisite <em>fails</em> the test: CI must not be green by skipping. Elsewhere the test is
 * skipped, and {@link SkipSummary} names every skip in one line at the end of the run.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** Whether this run is CI's: missing prerequisites fail instead of skipping. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("p2pkit.ci");
    }

    /**
     * Continues when {@code present}; otherwise fails under CI and skips elsewhere.
     *
     * @param present whether the prerequisite is there
     * @param missing what is missing and how to get it, e.g. {@code "redis-server is not installed
     *                (Debian: apt-get install redis-server)"}
     */
    public static void require(boolean present, String missing) {
        require(present, () -> missing);
    }

    /** As {@link #require(boolean, String)}, building the message only when it is needed. */
    public static void require(boolean present, Supplier<String> missing) {
        if (present) {
            return;
        }
        String why = missing.get();
        if (inCi()) {
            throw new AssertionError("required under CI=true, but " + why);
        }
        Assumptions.abort(why);
    }

    /**
     * Requires a program and returns where it is.
     *
     * @param name   the program's file name, e.g. {@code redis-server}
     * @param advice how to install it, e.g. {@code "Debian: apt-get install redis-server"}
     * @return its path
     */
    public static Path program(String name, String advice) {
        Optional<Path> p = findProgram(name);
        require(p.isPresent(), () -> name + " is not installed (" + advice + ")");
        return p.orElseThrow();
    }

    /**
     * Looks a program up on the PATH and in the folders that often hold programs without being on
     * it ({@code /usr/sbin}, {@code /usr/local/go/bin}, {@code ~/.cargo/bin}, …).
     *
     * @param name the program's file name
     * @return its path, if it is installed
     */
    public static Optional<Path> findProgram(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/local/go/bin",
                System.getProperty("user.home") + "/.cargo/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
