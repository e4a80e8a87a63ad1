package io.p2pkit.node.cli;

import io.p2pkit.node.json.Json;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * Where commands print: results on stdout (one JSON object per line in {@code --json} mode),
 * diagnostics on stderr, so that stdout stays machine-readable. Commands that read data
 * ({@code block put}, {@code dag import} …) read it from {@link #in()}.
 */
public final class Console {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    /** A console reading the process's stdin. */
    public Console(PrintStream out, PrintStream err) {
        this(System.in, out, err);
    }

    /** A console reading {@code in} as its stdin. */
    public Console(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
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

    public PrintStream err() {
        return err;
    }
}
