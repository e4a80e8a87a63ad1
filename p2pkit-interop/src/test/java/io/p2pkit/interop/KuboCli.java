package io.p2pkit.interop;

import io.p2pkit.testing.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Kubo's {@code ipfs} command (peers/kubo, v0.39.0 from the Go module proxy), run offline on a
 * fresh repository made with {@code ipfs init --profile test} (no bootstrap, loopback, no mDNS)
 * and an empty bootstrap list. No daemon is ever started: every command runs in-process on the repo.
 */
final class KuboCli {
    private final Path program;
    private final Path repo;

    private KuboCli(Path program, Path repo) {
        this.program = program;
        this.repo = repo;
    }

    /** @return Kubo on a new repository in a new temporary directory */
    static KuboCli fresh(Path program) throws IOException {
        Path repo = Files.createTempDirectory("p2pkit-kubo-");
        KuboCli k = new KuboCli(program, repo);
        k.run(List.of("init", "--profile", "test"));
        k.run(List.of("config", "--json", "Bootstrap", "[]"));
        return k;
    }

    /** @return Kubo on an existing repository (commands go through its daemon's API when one runs) */
    static KuboCli on(Path program, Path repo) {
        return new KuboCli(program, repo);
    }

    /** @return the {@code ipfs} program */
    Path program() {
        return program;
    }

    /** @return the repository directory */
    Path repo() {
        return repo;
    }

    /**
     * Runs {@code ipfs add} and reads its {@code added <cid> <name>} lines.
     *
     * @param args the options and paths
     * @return name to CID, in output order
     */
    Map<String, String> add(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("add", "--progress=false"));
        cmd.addAll(args);
        String out = run(cmd);
        Map<String, String> added = new LinkedHashMap<>();
        for (String line : out.split("\n", -1)) {
            if (!line.startsWith("added ")) {
                continue;
            }
            int space = line.indexOf(' ', 6);
            String cid = space < 0 ? line.substring(6) : line.substring(6, space);
            String name = space < 0 ? "" : line.substring(space + 1);
            added.put(unescape(name), cid);
        }
        return added;
    }

    /**
     * Undoes Kubo's {@code EscNonPrint}: a name holding a backslash or a character Go does not
     * print is written as a Go string literal without its quotes ({@code \t}, {@code \u200d}, {@code \\}).
     */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'v' -> b.append('\u000b');
                case 'x' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'U' -> {
                    b.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 9), 16));
                    i += 8;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    /** @return the final CID of {@code ipfs add -Q args} */
    String addQuiet(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("add", "-Q"));
        cmd.addAll(args);
        return run(cmd).strip();
    }

    /** Runs the command: its stdout, or the first line from "Error: " on when it fails (what a user reads). */
    String outcome(List<String> args) {
        try {
            return run(args);
        } catch (IOException e) {
            String m = e.getMessage();
            int at = m.indexOf("Error: ");
            return at < 0 ? m : m.substring(at).lines().findFirst().orElse("");
        }
    }

    /** {@link #outcome} of the command run with {@code --api api}: against another daemon, p2pkit's. */
    String outcome(String api, List<String> args) {
        List<String> withApi = new ArrayList<>(List.of("--api", api));
        withApi.addAll(args);
        return outcome(withApi);
    }

    /** Runs a command and returns its standard output as bytes (for {@code cat}, {@code dag get}). */
    byte[] runBytes(List<String> args) throws IOException {
        return run(args, true).getBytes(StandardCharsets.ISO_8859_1);
    }

    String run(List<String> args) throws IOException {
        return run(args, false);
    }

    /**
     * Runs a command until it succeeds, for commands that need the network to settle first (a DHT
     * learning its peers just after a connect).
     *
     * @return its standard output
     * @throws AssertionError naming every failure when it has not succeeded within {@code timeout}
     */
    String runUntilSuccess(List<String> args, Duration timeout) {
        List<String> errors = new ArrayList<>();
        AtomicReference<String> out = new AtomicReference<>();
        try {
            Await.until("ipfs " + args + " to succeed", () -> {
                try {
                    out.set(run(args));
                    return true;
                } catch (IOException e) {
                    errors.add(e.getMessage());
                    return false;
                }
            }, timeout);
        } catch (AssertionError e) {
            throw new AssertionError("ipfs " + args + " kept failing: " + errors, e);
        }
        return out.get();
    }

    /** Runs a command that must succeed: what it printed on stdout and stderr (for progress lines). */
    P2pkitCli.Result runWithErr(List<String> args) throws IOException {
        Path err = Files.createTempFile("kubo-err", ".txt");
        try {
            String out = run(args, false, err);
            return new P2pkitCli.Result(0, out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command that may fail: its exit status, stdout and stderr (what a user sees of a failure midway). */
    P2pkitCli.Result runAny(List<String> args) throws IOException {
        return runAny(args, null);
    }

    /**
     * {@link #runAny(List)} with {@code stdin} on its standard input ({@code printf … | ipfs args}):
     * Kubo's client sends what it reads there as the command's arguments when the command takes them.
     *
     * @param stdin the input's bytes, or null to read nothing ({@code /dev/null})
     */
    P2pkitCli.Result runAny(List<String> args, byte[] stdin) throws IOException {
        Path err = Files.createTempFile("kubo-err", ".txt");
        Path out = Files.createTempFile("kubo-out", ".txt");
        Path in = stdin == null ? null : Files.write(Files.createTempFile("kubo-in", ".txt"), stdin);
        try {
            ProcessBuilder pb = process(args, err).redirectOutput(out.toFile());
            if (in != null) {
                pb.redirectInput(in.toFile()); // a file, not a pipe: nothing to feed while the output is read
            }
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("ipfs " + args + " did not finish");
            }
            return new P2pkitCli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
            if (in != null) {
                Files.deleteIfExists(in);
            }
        }
    }

    /**
     * Starts a command that runs until stopped ({@code log tail}), its stdout to {@code out} and its
     * stderr to {@code err}; the caller stops it.
     */
    Process start(List<String> args, Path out, Path err) throws IOException {
        return process(args, err).redirectOutput(out.toFile()).start();
    }

    /** {@code ipfs args} on this repository, reading nothing, its stderr to {@code err}. */
    private ProcessBuilder process(List<String> args, Path err) {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("IPFS_PATH", repo.toString());
        pb.environment().put("IPFS_TELEMETRY", "off");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.redirectError(err.toFile());
    }

    private String run(List<String> args, boolean binary) throws IOException {
        Path err = Files.createTempFile("kubo-err", ".txt");
        try {
            return run(args, binary, err);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private String run(List<String> args, boolean binary, Path err) throws IOException {
        Process p = process(args, err).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("ipfs " + args + " did not finish");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String stderr = Files.readString(err);
        if (p.exitValue() != 0) {
            throw new IOException("ipfs " + String.join(" ", args) + " exited " + p.exitValue() + ": " + stderr.strip());
        }
        return new String(out, binary ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** Removes the repository. */
    void delete() {
        try (var s = Files.walk(repo)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
