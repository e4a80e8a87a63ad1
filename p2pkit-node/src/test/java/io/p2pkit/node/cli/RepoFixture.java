package io.p2pkit.node.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A repository made with {@code p2pkit init} in a test's directory, and commands run on it through {@link Main}. */
record RepoFixture(Path dir) {
    /**
     * Initializes a repository in {@code dir} with the test profile: Kubo's (loopback, ports the
     * system picks, nothing that reaches out) and no fsync.
     */
    static RepoFixture init(Path dir) {
        CliRunner r = CliRunner.run("init", "--repo-dir", dir.toString(), "--profile", "test");
        assertEquals(0, r.status(), r.err());
        return new RepoFixture(dir);
    }

    /** Runs a command on this repository. */
    CliRunner run(String... argv) {
        return runWithInput(new byte[0], argv);
    }

    /** Runs a command on this repository with {@code stdin}. */
    CliRunner runWithInput(byte[] stdin, String... argv) {
        return CliRunner.runWithInput(stdin, withRepo(argv));
    }

    /** Runs a command on this repository with text on stdin. */
    CliRunner runWithInput(String stdin, String... argv) {
        return runWithInput(stdin.getBytes(StandardCharsets.UTF_8), argv);
    }

    /** Runs a command whose stdout is binary. */
    CliRunner.Bytes bytes(String... argv) {
        return CliRunner.bytes(new byte[0], withRepo(argv));
    }

    /** Runs a command that must succeed and returns its stdout, stripped. */
    String ok(String... argv) {
        CliRunner r = run(argv);
        assertEquals(0, r.status(), String.join(" ", argv) + ": " + r.err());
        return r.out().strip();
    }

    /** {@code dag put} of a dag-json text; returns the CID. */
    String dagPut(String json, String... options) {
        List<String> a = new ArrayList<>(List.of("dag", "put"));
        a.addAll(List.of(options));
        CliRunner r = runWithInput(json, a.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return r.out().strip();
    }

    private String[] withRepo(String... argv) {
        List<String> a = new ArrayList<>(List.of(argv));
        a.add("--repo-dir");
        a.add(dir.toString());
        return a.toArray(String[]::new);
    }
}
