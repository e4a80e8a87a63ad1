package io.p2pkit.node.cli.options;

import io.p2pkit.node.cli.Console;
import io.p2pkit.node.multiformats.CodeLists;
import picocli.CommandLine.Option;

/** {@code --prefix} and {@code --numeric} of {@code cid bases} and {@code multibase list}, and the list they shape. */
public final class BaseListOptions {
    @Option(names = "--prefix", description = "also print each base's prefix")
    private boolean prefix;

    @Option(names = "--numeric", description = "also print each base's code (its prefix's code point)")
    private boolean numeric;

    /** Prints the multibases Kubo 0.39 lists: its text, or one {@code {"Code","Name"}} a line with {@code --json}. */
    public void print(Console console, JsonOption output) {
        if (output.json()) {
            CodeLists.bases().forEach(c -> console.json(c.json()));
        } else {
            console.out().print(CodeLists.basesText(CodeLists.bases(), prefix, numeric));
            console.out().flush();
        }
    }
}
