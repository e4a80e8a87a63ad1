package io.p2pkit.node.cli.options;

import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.content.DaemonApi;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/** {@code --json}: results as JSON, one object per line on stdout. */
public final class JsonOption {
    @Option(names = "--json", description = "print results as JSON, one object per line on stdout")
    private boolean json;

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }

    /** Prints {@code object} as a JSON line with {@code --json}, else {@code text} as it is. */
    public void print(Console console, Map<String, ?> object, String text) {
        if (json) {
            console.json(object);
        } else {
            console.println(text);
        }
    }

    /** Prints a daemon's answer as it sent it with {@code --json}, else {@code lines}, one a line. */
    public void print(Console console, DaemonApi.Answer answer, List<String> lines) {
        if (json) {
            console.println(answer.json());
        } else {
            lines.forEach(console::println);
        }
    }
}
