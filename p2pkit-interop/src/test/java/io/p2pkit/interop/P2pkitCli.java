package io.p2pkit.interop;

import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.Main;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The {@code p2pkit} command run in this JVM, as the tests compare it with Kubo's {@code ipfs}. */
final class P2pkitCli {
    /** What a run printed, and its exit status. */
    record Result(int status, String out, String err) {
    }

    private P2pkitCli() {
    }

    /** Runs the command with empty stdin. */
    static Result run(List<String> argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main().run(argv, new Console(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the command, requires it to succeed, and returns its stdout without the surrounding blanks. */
    static String ok(String... argv) {
        Result r = run(List.of(argv));
        assertEquals(0, r.status(), String.join(" ", argv) + ": " + r.err());
        return r.out().strip();
    }
}
