package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CodeLists;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.function.Function;

/** {@code -n/--numeric} and {@code -s/--supported} of {@code cid codecs} and {@code cid hashes}, and the list they shape. */
final class CodeListOptions {
    @Option(names = {"-n", "--numeric"}, description = "also print each code")
    private boolean numeric;

    @Option(names = {"-s", "--supported"}, description = "only those p2pkit can use")
    private boolean supported;

    /** Prints the list: Kubo's text, or one {@code {"Code","Name"}} a line with {@code --json}. */
    void print(Function<Boolean, List<CodeLists.Code>> list, Console console, JsonOption output) {
        List<CodeLists.Code> codes = list.apply(supported);
        if (output.json()) {
            codes.forEach(c -> console.json(c.json()));
        } else {
            console.out().print(CodeLists.codesText(codes, numeric));
            console.out().flush();
        }
    }
}
