package io.p2pkit.interop;

import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A smoke run of the perf runner ({@code scripts/bench-perf}, {@code io.p2pkit.bench.perf.PerfRunner}):
 * every row kind, p2pkit, go and js, and the A/B mode ({@code --baseline-jar}, here the same build),
 * with tiny sizes and one repetition; and the WebRTC-direct and WebTransport rows of p2pkit and go. It proves the runner and the three perf programs work
 * together; it measures nothing (no thresholds). The runner exits non-zero when any measurement
 * fails, and so this test fails.
 */
class PerfRunnerSmokeTest {
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void runnerRunsEveryRowKindWithABaseline() throws Exception {
        Toolchains.require(Implementation.JS);
        Toolchains.require(Implementation.GO);
        Path jar = jar();
        String report = run("--reps", "1", "--runs-per-process", "2",
                "--bytes", Long.toString(256 << 10), "--rtt-runs", "2", "--rtt-warmup", "1", "--security", "noise",
                "--pairs", "same", "--streams", "4", "--conns", "4", "--concurrent-bytes", Long.toString(64 << 10),
                "--impls", "p2pkit,js,go,p2pkit-base", "--baseline-jar", jar.toString());
        for (String table : List.of("### Throughput", "### Connection + 1-byte round trip", "streams on one connection at once",
                "connections at once", "| p2pkit↔p2pkit / p2pkit-base↔p2pkit-base |")) {
            assertTrue(report.contains(table), () -> "no '" + table + "' in the report:\n" + report);
        }
        assertFalse(report.contains("failed"), () -> "a failed measurement in the report:\n" + report);
    }

    /**
     * The WebRTC-direct and WebTransport rows, p2pkit and go in every pairing: go's WebTransport
     * dialer cannot reach p2pkit (see {@code PerfRunner.unsupported}), so that pair says "not run".
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void runnerRunsTheBrowserTransportRows() throws Exception {
        Toolchains.require(Implementation.GO);
        jar();
        String report = run("--reps", "1", "--runs-per-process", "2", "--bytes", Long.toString(256 << 10),
                "--rtt-runs", "2", "--rtt-warmup", "1", "--security", "webrtc-direct,webtransport",
                "--rows", "throughput,rtt", "--impls", "p2pkit,go", "--section", "browser-transports");
        assertTrue(report.contains("## Throughput and latency side by side (perf runner: browser-transports)"), report);
        for (String row : List.of("| p2pkit → p2pkit | webrtc-direct |", "| go → p2pkit | webrtc-direct |",
                "| p2pkit → go | webrtc-direct |", "| go → go | webtransport |", "| p2pkit → go | webtransport |",
                "| go → p2pkit | webtransport | not run |")) {
            assertTrue(report.contains(row), () -> "no '" + row + "' in the report:\n" + report);
        }
        assertFalse(report.contains("failed"), () -> "a failed measurement in the report:\n" + report);
    }

    /**
     * A browser as the client ({@code --impls …,chromium}: js-libp2p in headless Chromium through
     * {@code peers/js/browser.mjs}) against the p2pkit and go servers over both browser transports,
     * with the row that compares the two servers for the same browser.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void runnerDrivesChromiumAgainstP2pkitAndGo() throws Exception {
        Toolchains.require(Implementation.GO);
        Toolchains.require(Implementation.JS);
        Prerequisites.program("chromium", "Debian: apt-get install chromium; .ci/run installs it");
        jar();
        String report = run("--reps", "1", "--runs-per-process", "2", "--bytes", Long.toString(256 << 10),
                "--rtt-runs", "2", "--rtt-warmup", "1", "--security", "webrtc-direct,webtransport",
                "--rows", "throughput,rtt", "--impls", "p2pkit,go,chromium", "--pairs", "same");
        for (String row : List.of("| chromium → p2pkit | webrtc-direct |", "| chromium → go | webrtc-direct |",
                "| chromium → p2pkit | webtransport |", "| chromium → go | webtransport |",
                "| chromium → p2pkit / chromium → go | webtransport |")) {
            assertTrue(report.contains(row), () -> "no '" + row + "' in the report:\n" + report);
        }
        assertFalse(report.contains("| chromium → chromium"), () -> "a browser cannot serve:\n" + report);
        assertFalse(report.contains("failed"), () -> "a failed measurement in the report:\n" + report);
    }

    private static Path root() {
        return Path.of(System.getProperty("p2pkit.root", "..")).toAbsolutePath().normalize();
    }

    private static Path jar() {
        Path jar = root().resolve("p2pkit-node/target/p2pkit-node.jar");
        Prerequisites.require(Files.exists(jar), () -> jar + " is not built (mvn verify, or scripts/package p2pkit-node)");
        return jar;
    }

    /** Runs the runner with {@code options} (the report printed only) and returns its report; it must exit 0. */
    private static String run(String... options) throws Exception {
        Path out = Files.createTempFile("perf-runner-smoke", ".out");
        Path err = Files.createTempFile("perf-runner-smoke", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "io.p2pkit.bench.perf.PerfRunner",
                    "--root", root().toString(), "--doc", "-"));
            cmd.addAll(List.of(options));
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean exited = p.waitFor(210, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            String report = Files.readString(out, StandardCharsets.UTF_8);
            String log = tail(err);
            assertTrue(exited, () -> "the runner did not finish in 210 s; its log:\n" + log);
            assertEquals(0, p.exitValue(), () -> "the runner failed; its log:\n" + log + "\nits report:\n" + report);
            return report;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
    }
}
