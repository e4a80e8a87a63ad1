package io.p2pkit.node.cli.command.cid;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.multiformats.CodeLists;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** What {@code cid codecs} and {@code cid hashes} share: {@code -n/--numeric}, {@code -s/--supported} and Kubo's text. */
abstract class CodeListCommand extends CliCommand {
    @Option(names = {"-n", "--numeric"}, description = "also print each code")
    private boolean numeric;

    @Option(names = {"-s", "--supported"}, description = "only those p2pkit can use")
    private boolean supported;

    @Mixin
    private JsonOption output;

    /** The list, or the part p2pkit can use. */
    abstract List<CodeLists.Code> list(boolean onlySupported);

    @Override
    protected final int run() {
        List<CodeLists.Code> codes = list(supported);
        if (output.json()) {
            codes.forEach(c -> console().json(c.json()));
        } else {
            console().out().print(CodeLists.codesText(codes, numeric));
            console().out().flush();
        }
        return 0;
    }
}
