package io.p2pkit.node.cli;

import io.p2pkit.node.json.Json;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import java.util.Optional;

/**
 * Where commands print: results on stdout (one JSON object per line in {@code --json} mode),
 * diagnostics on stderr, so that stdout stays machine-readable. Commands that read data
 * ({@code block put}, {@code dag import} …) read it from {@link #in()}.
 */
public final class Console {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final WritableByteChannel stdout;

    /** A console reading the process's stdin. */
    public Console(PrintStream out, PrintStream err) {
        this(System.in, out, err);
    }

    /** A console reading {@code in} as its stdin. */
    public Console(InputStream in, PrintStream out, PrintStream err) {
        this(in, out, err, null);
    }

    /**
     * A console whose {@code out} prints to the process's stdout, which {@code stdout} also writes
     * to: bulk output (a file's bytes) goes there from the buffers it was read into.
     */
    public Console(InputStream in, PrintStream out, PrintStream err, WritableByteChannel stdout) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.stdout = stdout;
    }

    /** Prints one result line on stdout. */
    public void println(String line) {
        out.println(line);
        out.flush();
    }

    /** Prints one JSON object as a single line on stdout. */
    public void json(Map<String, ?> object) {
        out.println(Json.write(object));
        out.flush();
    }

    /** Prints a diagnostic line on stderr. */
    public void info(String line) {
        err.println(line);
        err.flush();
    }

    /** What the command reads as its standard input. */
    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    /**
     * @return the process's stdout as a channel, when {@link #out()} prints there too: what is
     *         written to it passes {@link #out()}'s buffer, so flush that first
     */
    public Optional<WritableByteChannel> stdoutChannel() {
        return Optional.ofNullable(stdout);
    }

    public PrintStream err() {
        return err;
    }
}
