package io.p2pkit.node.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the command line in-process and captures stdout, stderr and the exit status. */
record CliRunner(int status, String out, String err) {
    static CliRunner run(String... argv) {
        return runWithInput(new byte[0], argv);
    }

    /** Runs with {@code stdin} as the command's standard input. */
    static CliRunner runWithInput(byte[] stdin, String... argv) {
        Bytes bytes = bytes(stdin, argv);
        return new CliRunner(bytes.status, bytes.out.toString(StandardCharsets.UTF_8), bytes.err.toString(StandardCharsets.UTF_8));
    }

    /** What a run printed, as bytes (for commands whose stdout is binary: block get, dag export). */
    record Bytes(int status, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        byte[] stdout() {
            return out.toByteArray();
        }

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    static Bytes bytes(byte[] stdin, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // as in the process: stdout's channel writes where out() prints (CatCommand writes there)
        int status = new Main().run(List.of(argv), new Console(new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Channels.newChannel(out)));
        return new Bytes(status, out, err);
    }
}
